/**
 * Text to GBK bytes, for test files as Excel in China saves them. No encoder for GBK ships with
 * Node (TextEncoder writes only UTF-8), so the table is the GB18030 decoder's reading of every
 * two-byte GBK code, turned around.
 */
let table: Map<string, number> | undefined;

function gbkTable(): Map<string, number> {
  if (table) return table;
  const decoder = new TextDecoder('gb18030', { fatal: true });
  const map = new Map<string, number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      try {
        const ch = decoder.decode(new Uint8Array([lead, trail]));
        if (!map.has(ch)) map.set(ch, (lead << 8) | trail);
      } catch {
        // not a GBK code
      }
    }
  }
  table = map;
  return map;
}

/** The GBK bytes of `text`; throws on a character GBK lacks (a test's own mistake). */
export function encodeGbk(text: string): Buffer {
  const t = gbkTable();
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const code = t.get(ch);
    if (code === undefined) throw new Error(`GBK has no ${ch}`);
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}

/** UTF-16 with the BOM Excel's "Unicode text" writes. */
export function encodeUtf16(text: string, order: 'le' | 'be'): Buffer {
  const le = Buffer.from(`\uFEFF${text}`, 'utf16le');
  return order === 'le' ? le : Buffer.from(le.map((_, i) => le[i ^ 1]!));
}
