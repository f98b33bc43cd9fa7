// Shared by the review page's browser tests: Debian's chromium driven by playwright-core, the
// page's sign-in, and what the tests measure on the page.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import type { JxRecord } from "@jixiao/schemas";

export const CHROMIUM = process.env.JIXIAO_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];


/** Starts Debian's chromium (apt-get install chromium), or the one JIXIAO_CHROMIUM names. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), or set JIXIAO_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Page errors and console errors go to `problems` (the 401 of the start-up probe excepted). */
export function watchPage(p: Page, problems: string[]): void {
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("console", (m) => {
    // The start-up probe GET /api/session answers 401 before login: expected.
    if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
}

/** Signs a user in on the page (at the login form): a name and password, or the admin token. */
export async function signIn(p: Page, who: { name: string; password: string } | { token: string }): Promise<void> {
  await p.locator("#login-form").waitFor();
  if ("token" in who) await p.fill("#login-token", who.token);
  else {
    await p.fill("#login-name", who.name);
    await p.fill("#login-password", who.password);
  }
  await p.click("#login-submit");
  await p.locator("#whoami").waitFor({ state: "visible" });
}

/** How much of the canvas is opaque grey paper, and how many samples are dark ink. */
export async function canvasPixels(p: Page): Promise<{ samples: number; paper: number; ink: number }> {
  return p.evaluate(() => {
    const c = document.getElementById("page-canvas") as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let samples = 0;
    let paper = 0;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4 * 97) {
      samples++;
      if (data[i + 3] !== 255) continue;
      if (data[i]! < 100) ink++;
      else if (data[i]! < 250) paper++;
    }
    return { samples, paper, ink };
  });
}

/**
 * Where a box of the straightened scan lies on the page as scanned: OCR rotated the image by
 * −skew about its centre, so the corners turn back by +skew (y down, positive clockwise) and the
 * drawn box is the one around them.
 */
export function asScanned<B extends { x0: number; y0: number; x1: number; y1: number }>(b: B, g: { width: number; height: number; skewDegrees?: number }): B {
  const s = ((g.skewDegrees ?? 0) * Math.PI) / 180;
  const cx = (g.width - 1) / 2;
  const cy = (g.height - 1) / 2;
  const corners = [[b.x0, b.y0], [b.x1, b.y0], [b.x0, b.y1], [b.x1, b.y1]].map(([x, y]) => [
    cx + (x! - cx) * Math.cos(s) - (y! - cy) * Math.sin(s),
    cy + (x! - cx) * Math.sin(s) + (y! - cy) * Math.cos(s),
  ]);
  return {
    ...b,
    x0: Math.min(...corners.map((c) => c[0]!)),
    y0: Math.min(...corners.map((c) => c[1]!)),
    x1: Math.max(...corners.map((c) => c[0]!)),
    y1: Math.max(...corners.map((c) => c[1]!)),
  };
}

/** The union of the provenance boxes at or under `path` (what the page draws for a flag's path). */
export function unionBox(record: JxRecord, path: string): { page: number; x0: number; y0: number; x1: number; y1: number } | null {
  const entries = Object.entries(record.source.provenance)
    .filter(([key]) => key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[`))
    .flatMap(([, list]) => list);
  if (!entries.length) return null;
  return {
    page: entries[0]!.page,
    x0: Math.min(...entries.map((e) => e.bbox.x0)),
    y0: Math.min(...entries.map((e) => e.bbox.y0)),
    x1: Math.max(...entries.map((e) => e.bbox.x1)),
    y1: Math.max(...entries.map((e) => e.bbox.y1)),
  };
}

export type Json = Record<string, unknown>;

export function valueAt(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const seg of path.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[/^\d+$/.test(seg) ? Number(seg) : seg];
  }
  return cur;
}


/** A session through the API: cookie header and CSRF token. */
export async function apiLoginAt(base: string, body: object): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("jixiao_session="));
  expect(setCookie).toBeDefined();
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie!.split(";")[0]!, csrf: csrfToken };
}

export async function apiPostAt(base: string, url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${base}${url}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details?: unknown } } };
}

/** The flagged top-level text field whose OCR reading differs from the truth (there is one in this scan). */
export function pickCorrection(record: JxRecord, truth: Json): { path: string; truth: string } {
  const flagged = record.flags.filter((f) => f.severity === "review").map((f) => f.path);
  const textFields = flagged.filter((p) => /^[a-z_]+(\.[a-z_]+)?$/.test(p) && typeof valueAt(truth, p) === "string");
  const differing = textFields.find((p) => valueAt(record, p) !== valueAt(truth, p));
  const path = differing ?? textFields[0];
  if (!path) throw new Error(`no flagged text field among ${flagged.join(", ")}`);
  return { path, truth: valueAt(truth, path) as string };
}

