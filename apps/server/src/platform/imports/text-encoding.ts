import type { ImportEncoding } from '@civitas/contracts/imports';

/**
 * Which encoding a text file is in (ADR 0049). A BOM decides; otherwise a strict UTF-8 decode and a
 * strict GB18030 decode are both tried, and where both succeed the reading made of common characters
 * wins. When neither reading is clearly right the caller asks the user: a wrong guess would store
 * mojibake, which nobody notices until a name is searched for.
 */
export type Detection =
  { ok: true; encoding: ImportEncoding; text: string } | { ok: false; candidates: ImportEncoding[] };

const ALL: ImportEncoding[] = ['utf-8', 'gb18030', 'utf-16le', 'utf-16be'];

/** The text in `encoding`, or null where a byte does not belong to it. A BOM is dropped. */
export function decodeAs(data: Uint8Array, encoding: ImportEncoding): string | null {
  try {
    // ignoreBOM: false (the default) drops the BOM of the encoding itself.
    return new TextDecoder(encoding, { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

export function detectEncoding(data: Uint8Array): Detection {
  try {
    return detect(data);
  } catch {
    // TextDecoder without the encoding (a Node built without ICU): let the user choose.
    return { ok: false, candidates: ALL };
  }
}

function detect(data: Uint8Array): Detection {
  const bom = bomEncoding(data);
  if (bom) {
    const text = decodeAs(data, bom);
    return text === null ? { ok: false, candidates: ALL } : { ok: true, encoding: bom, text };
  }
  const utf16 = bomlessUtf16(data);
  if (utf16) {
    const text = decodeAs(data, utf16);
    if (text !== null) return { ok: true, encoding: utf16, text };
  }
  const utf8 = decodeAs(data, 'utf-8');
  const gb = decodeAs(data, 'gb18030');
  if (utf8 !== null && (gb === null || isAscii(data))) return { ok: true, encoding: 'utf-8', text: utf8 };
  if (gb !== null && utf8 === null) {
    return plausibility(gb) >= PLAUSIBLE
      ? { ok: true, encoding: 'gb18030', text: gb }
      : { ok: false, candidates: ['gb18030', 'utf-8'] };
  }
  if (utf8 !== null && gb !== null) {
    const u = plausibility(utf8);
    const g = plausibility(gb);
    if (u >= PLAUSIBLE && g < PLAUSIBLE) return { ok: true, encoding: 'utf-8', text: utf8 };
    if (g >= PLAUSIBLE && u < PLAUSIBLE) return { ok: true, encoding: 'gb18030', text: gb };
    return { ok: false, candidates: ['utf-8', 'gb18030'] };
  }
  return { ok: false, candidates: ALL };
}

function bomEncoding(d: Uint8Array): ImportEncoding | null {
  if (d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf) return 'utf-8';
  if (d[0] === 0xff && d[1] === 0xfe) return 'utf-16le';
  if (d[0] === 0xfe && d[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * UTF-16 saved without a BOM: a CSV header is ASCII, so every other byte of it is zero. Neither
 * UTF-8 nor GBK text has zero bytes at all.
 */
function bomlessUtf16(d: Uint8Array): ImportEncoding | null {
  const n = Math.min(d.length, 512) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (d[i] === 0) evenZero++;
    if (d[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero === 0) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero === 0) return 'utf-16be';
  return null;
}

function isAscii(d: Uint8Array): boolean {
  for (const b of d) if (b > 0x7f) return false;
  return true;
}

/** A reading this plausible, and the other one not, is taken without asking. */
const PLAUSIBLE = 0.85;

let common: Set<string> | undefined;
/**
 * The 3,755 most used Chinese characters (GB 2312 level 1, bytes B0A1–D7F9), as the GB18030 decoder
 * itself reads them, so no table is kept in the code. Names and addresses are nearly all in it;
 * the characters a wrong reading produces mostly are not.
 */
function commonHanzi(): Set<string> {
  if (common) return common;
  const set = new Set<string>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0xb0; lead <= 0xd7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) set.add(decoder.decode(new Uint8Array([lead, trail])));
  }
  set.delete('\uFFFD');
  common = set;
  return set;
}

/**
 * The share of a reading's non-ASCII characters that real text is made of: common Chinese
 * characters, Chinese and full-width punctuation, and letters of other scripts (é, ü). Control
 * characters, private-use and rare characters count against it.
 */
export function plausibility(text: string): number {
  const hanzi = commonHanzi();
  let total = 0;
  let good = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) continue;
    total++;
    if (hanzi.has(ch)) good++;
    else if (cp >= 0x3000 && cp <= 0x303f)
      good++; // CJK punctuation
    else if (cp >= 0xff01 && cp <= 0xff5e)
      good++; // full-width forms
    else if (cp >= 0xc0 && cp <= 0x24f && /\p{L}/u.test(ch))
      good++; // Latin letters with marks
    else if (cp === 0xb7 || cp === 0x2014 || cp === 0x2026 || (cp >= 0x2018 && cp <= 0x201d)) good++;
  }
  return total === 0 ? 1 : good / total;
}
