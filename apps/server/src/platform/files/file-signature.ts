/**
 * Content-type detection by magic bytes for the attachment allow-list. The declared MIME type and
 * the file name never take part. Known dangerous or merely unwanted formats are named so the
 * refusal can say what the file really is (an ".jpg" that is a Windows program).
 */
export type AllowedMime = 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf';

export type Detection =
  | { kind: 'allowed'; mime: AllowedMime; ext: string }
  | { kind: 'denied'; what: string; hint?: string }
  | { kind: 'unknown' };

const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0): boolean =>
  at + sig.length <= bytes.length && sig.every((b, i) => bytes[at + i] === b);

/** Brands of the ISO-BMFF `ftyp` box: HEIC (HEVC-coded HEIF) and what else shares the container. */
function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || !ascii(bytes, 4, 'ftyp')) return null;
  const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (size < 16 || size > bytes.length || size > 4096) return null;
  const brands = [String.fromCharCode(...bytes.subarray(8, 12))];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(String.fromCharCode(...bytes.subarray(at, at + 4)));
  return brands;
}

/**
 * HEIF brands (ISO/IEC 23008-12 and its HEVC profile): `heic`/`heix` stills and `hevc`/`hevx`
 * sequences from iPhones and many Android phones, the `heim`/`heis`/`hevm`/`hevs` multi-layer
 * variants, and the generic `mif1`/`msf1`, which AVIF files list too (hence AVIF is checked first).
 */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);

/**
 * Refused, not stripped: HEIF keeps Exif (with the GPS position) as an item located by the `iloc`
 * box, and removing it safely needs an ISO-BMFF rewriter we do not have (ADR 0010, ADR 0017).
 */
export const HEIF_REFUSAL = {
  what: 'a HEIC/HEIF photo (the iPhone camera format)',
  hint:
    'HEIC photos are not accepted. Set the camera to JPEG ("Most Compatible" on an iPhone), or ' +
    'choose the photo through the browser: most phones then convert it to JPEG when uploading.',
} as const;

function detectIsoBmff(bytes: Uint8Array): Detection | null {
  const brands = ftypBrands(bytes);
  if (!brands) return null;
  if (brands.includes('avif') || brands.includes('avis')) return { kind: 'denied', what: 'an AVIF image' };
  if (brands.some((b) => HEIF_BRANDS.has(b))) return { kind: 'denied', ...HEIF_REFUSAL };
  if (brands.some((b) => b.startsWith('qt'))) return { kind: 'denied', what: 'a QuickTime video' };
  return { kind: 'denied', what: 'an MP4/ISO media file' };
}

/** Text that a browser would render as a page or run as a script, after an optional BOM and blanks. */
function detectMarkup(bytes: Uint8Array): Detection | null {
  let at = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (at < bytes.length && at < 1024 && [0x09, 0x0a, 0x0d, 0x20].includes(bytes[at]!)) at++;
  if (bytes[at] !== 0x3c /* < */) return null;
  const head = Buffer.from(bytes.subarray(at, at + 256))
    .toString('latin1')
    .toLowerCase();
  if (head.includes('<svg')) return { kind: 'denied', what: 'an SVG image (markup that can carry scripts)' };
  if (/^<(!doctype html|html|head|body|script|iframe|meta|a |div|p>|title)/.test(head))
    return { kind: 'denied', what: 'an HTML page' };
  if (head.startsWith('<?xml')) return { kind: 'denied', what: 'an XML document' };
  return { kind: 'denied', what: 'markup (HTML or XML)' };
}

const DENIED: readonly { sig: readonly number[]; what: string }[] = [
  { sig: [0x4d, 0x5a], what: 'a Windows executable' },
  { sig: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { sig: [0xcf, 0xfa, 0xed, 0xfe], what: 'a Mach-O executable' },
  { sig: [0xfe, 0xed, 0xfa, 0xcf], what: 'a Mach-O executable' },
  { sig: [0xca, 0xfe, 0xba, 0xbe], what: 'a Mach-O or Java class file' },
  { sig: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive' },
  { sig: [0x50, 0x4b, 0x05, 0x06], what: 'a ZIP archive' },
  { sig: [0x50, 0x4b, 0x07, 0x08], what: 'a ZIP archive' },
  { sig: [0x1f, 0x8b], what: 'a gzip archive' },
  { sig: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { sig: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
  { sig: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an Office/OLE document' },
  { sig: [0x23, 0x21], what: 'a script' },
  { sig: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { sig: [0x42, 0x4d], what: 'a BMP image' },
  { sig: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image' },
  { sig: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image' },
  { sig: [0x00, 0x61, 0x73, 0x6d], what: 'a WebAssembly module' },
];

/** Needs at most the first 4 KiB; give it the whole file when you have it. */
export function detectFileType(bytes: Uint8Array): Detection {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'allowed', mime: 'image/jpeg', ext: 'jpg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'allowed', mime: 'image/png', ext: 'png' };
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP'))
    return { kind: 'allowed', mime: 'image/webp', ext: 'webp' };
  // ISO 32000-2 §7.5.2 lets readers accept the header anywhere in the first 1024 bytes; we demand
  // it first so a file cannot be a PDF to one reader and something else to another.
  if (ascii(bytes, 0, '%PDF-')) return { kind: 'allowed', mime: 'application/pdf', ext: 'pdf' };
  const iso = detectIsoBmff(bytes);
  if (iso) return iso;
  if (ascii(bytes, 0, 'RIFF')) return { kind: 'denied', what: 'a RIFF media file (AVI or WAV)' };
  for (const d of DENIED) if (startsWith(bytes, d.sig)) return { kind: 'denied', what: d.what };
  return detectMarkup(bytes) ?? { kind: 'unknown' };
}
