import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { JixiaoError } from "@jixiao/core";

/** Where Debian's tesseract-ocr packages put their language data. */
export const DEFAULT_LANG_PATH = "/usr/share/tesseract-ocr/5/tessdata";

/**
 * Finds the tessdata folder. An explicit `langPath` is used as given. Otherwise the Debian
 * default, then any /usr/share/tesseract-ocr/<version>/tessdata holding the languages (newest
 * version first), then $TESSDATA_PREFIX.
 */
export function resolveLangPath(langs: string, langPath?: string): string {
  if (langPath) return langPath;
  const codes = langCodes(langs);
  const has = (dir: string) => codes.every((c) => existsSync(join(dir, `${c}.traineddata`)));
  if (has(DEFAULT_LANG_PATH)) return DEFAULT_LANG_PATH;
  const root = "/usr/share/tesseract-ocr";
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
  } catch {
    // No tesseract-ocr folder at all.
  }
  for (const v of versions) {
    const dir = join(root, v, "tessdata");
    if (has(dir)) return dir;
  }
  const prefix = process.env["TESSDATA_PREFIX"];
  if (prefix && has(prefix)) return prefix;
  return DEFAULT_LANG_PATH;
}

export const langCodes = (langs: string) => langs.split("+").map((s) => s.trim()).filter(Boolean);

/** Debian package that ships a language's data (tesseract-ocr-chi-sim for chi_sim). */
export const debianPackage = (code: string) => `tesseract-ocr-${code.replace(/_/g, "-").toLowerCase()}`;

/**
 * Fails fast with OCR_UNAVAILABLE when a language's uncompressed .traineddata file is missing.
 * Returns the checked folder.
 */
export function checkLangData(langs: string, langPath?: string): string {
  const dir = resolveLangPath(langs, langPath);
  for (const code of langCodes(langs)) {
    const file = join(dir, `${code}.traineddata`);
    if (!existsSync(file)) {
      throw new JixiaoError(
        "OCR_UNAVAILABLE",
        `OCR language data ${file} is missing: install the Debian package ${debianPackage(code)} ` +
          `(apt-get install ${debianPackage(code)}) or set langPath to a folder holding ${code}.traineddata`,
      );
    }
  }
  return dir;
}
