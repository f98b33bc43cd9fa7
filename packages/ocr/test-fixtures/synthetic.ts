// Synthetic page images for the tests: a ruled table with glyph-like ink inside.
import type { GreyImage } from "../src/greyImage.js";

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function blank(width: number, height: number, rand?: () => number): GreyImage {
  const data = new Uint8Array(width * height).fill(250);
  // Light grain: a few darker specks.
  if (rand) for (let i = 0; i < data.length / 500; i++) data[Math.floor(rand() * data.length)] = 120 + Math.floor(rand() * 80);
  return { width, height, data };
}

function fillRect(img: GreyImage, x0: number, y0: number, x1: number, y1: number, v = 20): void {
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) img.data[y * img.width + x] = v;
  }
}

/** A 40×40 "glyph": a few strokes, like a Chinese character (no stroke longer than 40 px). */
function glyph(img: GreyImage, x: number, y: number, rand: () => number): void {
  fillRect(img, x, y + 8, x + 40, y + 12); // a horizontal stroke
  fillRect(img, x + 18, y, x + 22, y + 40); // a vertical stroke
  const k = Math.floor(rand() * 3);
  if (k === 0) fillRect(img, x + 4, y + 28, x + 36, y + 31);
  if (k === 1) fillRect(img, x + 6, y + 16, x + 9, y + 38);
  if (k === 2) fillRect(img, x + 30, y + 20, x + 34, y + 36);
}

function text(img: GreyImage, x: number, y: number, n: number, rand: () => number): void {
  for (let i = 0; i < n; i++) glyph(img, x + i * 46, y, rand);
}

/**
 * A 1200×1600 page at 300 dpi: a title, and a table with horizontal rulings at y = 200, 300,
 * 400, 600, 800 (x 100…1100) and vertical rulings at x = 100, 400, 700, 1100 (y 200…800) plus a
 * short one at x = 550 (y 400…600). Every ruling is 3 px thick, drawn from its position onwards,
 * so its centre is position + 1.5.
 */
export function tablePage(seed = 1): { image: GreyImage; h: number[]; v: number[] } {
  const rand = rng(seed);
  const img = blank(1200, 1600, rand);
  const h = [200, 300, 400, 600, 800];
  const v = [100, 400, 700, 1100];
  for (const y of h) fillRect(img, 100, y, 1103, y + 3);
  for (const x of v) fillRect(img, x, 200, x + 3, 803);
  fillRect(img, 550, 400, 553, 603);
  text(img, 350, 100, 10, rand); // title
  text(img, 130, 230, 5, rand);
  text(img, 430, 230, 5, rand);
  text(img, 130, 330, 3, rand);
  text(img, 430, 480, 2, rand);
  text(img, 580, 480, 2, rand);
  text(img, 730, 650, 7, rand);
  text(img, 730, 710, 7, rand);
  text(img, 130, 900, 20, rand); // a line below the table
  return { image: img, h, v };
}
