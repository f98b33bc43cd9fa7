import { z } from "zod";

/**
 * The one intermediate page model. The PDF text-layer extractor, the OCR extractor and the
 * text-dump reader all emit it; the layout reconstructor and everything after it never know
 * which one ran.
 *
 * Coordinates: origin top-left, y grows downwards. `unit` says what one unit is:
 * - "pt"   PDF points (1/72 inch) — digital PDFs
 * - "px"   image pixels — scans (the page also records `dpi` so points can be derived)
 * - "grid" row/column indices — text dumps have no geometry, a cell (r, c) has the box
 *          {x0: c, y0: r, x1: c + 1, y1: r + 1}
 */
export const Unit = z.enum(["pt", "px", "grid"]);
export type Unit = z.infer<typeof Unit>;

export const BBox = z.object({
  x0: z.number(),
  y0: z.number(),
  x1: z.number(),
  y1: z.number(),
});
export type BBox = z.infer<typeof BBox>;

/** Where a piece of text came from. */
export const TextOrigin = z.enum(["pdf-text", "ocr", "text-dump"]);
export type TextOrigin = z.infer<typeof TextOrigin>;

/** A run of text on one line (a PDF text item, an OCR word or line, a text-dump field). */
export const TextItem = z.object({
  text: z.string(),
  bbox: BBox,
  /** Font size (pt) or line height (px) when known. */
  size: z.number().optional(),
  /** 1 for a text layer; OCR confidence in [0, 1] otherwise. */
  confidence: z.number().min(0).max(1),
  origin: TextOrigin,
  /**
   * Why the reading is in doubt, when a person should look at it: e.g. the two OCR engines read
   * it differently (the message shows both readings). Becomes a review flag on every field read
   * from it. `readings`: what each engine read, when they disagree (the kept text first), so a
   * later stage that knows what the field may hold (a closed list of labels) can settle it.
   */
  doubt: z.object({ code: z.string().regex(/^[a-z][a-z0-9_]*$/), message: z.string(), readings: z.array(z.string()).optional() }).optional(),
});
export type TextItem = z.infer<typeof TextItem>;

/** A straight ruling line (table border), horizontal or vertical. */
export const Ruling = z.object({
  orientation: z.enum(["h", "v"]),
  /** For "h": y is the line's position, x0..x1 its extent; for "v": x, y0..y1. */
  pos: z.number(),
  from: z.number(),
  to: z.number(),
  width: z.number().nonnegative(),
});
export type Ruling = z.infer<typeof Ruling>;

/**
 * A table cell once a grid is known. `open` marks an edge of the table's outer frame that has
 * no ruling: the cell continues on the previous / next page.
 */
export const Cell = z.object({
  text: z.string(),
  bbox: BBox,
  row: z.number().int().nonnegative(),
  col: z.number().int().nonnegative(),
  rowSpan: z.number().int().positive(),
  colSpan: z.number().int().positive(),
  confidence: z.number().min(0).max(1),
  open: z.object({ top: z.boolean(), bottom: z.boolean() }),
  /** Text items the cell was built from (lines in reading order). */
  items: z.array(TextItem).default([]),
});
export type Cell = z.infer<typeof Cell>;

export const Table = z.object({
  bbox: BBox,
  /** Column edges (length cols + 1) and row edges (length rows + 1) in page units. */
  colEdges: z.array(z.number()),
  rowEdges: z.array(z.number()),
  cells: z.array(Cell),
  /** How the grid was found. */
  method: z.enum(["rulings", "alignment", "text-dump"]),
});
export type Table = z.infer<typeof Table>;

export const PageImage = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  dpi: z.number().positive(),
  /** Skew that was removed, degrees (positive: the scan was rotated clockwise). */
  skewDegrees: z.number().default(0),
  /** Quarter turn applied first to set a page scanned sideways or upside down upright (clockwise degrees). */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]).optional(),
});
export type PageImage = z.infer<typeof PageImage>;

export const Page = z.object({
  /** 1-based page number within the input file. */
  number: z.number().int().positive(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
  unit: Unit,
  origin: z.literal("top-left"),
  items: z.array(TextItem),
  rulings: z.array(Ruling),
  /** Tables whose grid the extractor already knows (text dumps); the reconstructor adds more. */
  tables: z.array(Table).default([]),
  /** Present for pages that were rasterised or came as images (scans). */
  image: PageImage.optional(),
});
export type Page = z.infer<typeof Page>;

export const InputKind = z.enum(["pdf", "image", "text-dump"]);
export type InputKind = z.infer<typeof InputKind>;

export const DocumentModel = z.object({
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputKind: InputKind,
  pages: z.array(Page),
});
export type DocumentModel = z.infer<typeof DocumentModel>;
