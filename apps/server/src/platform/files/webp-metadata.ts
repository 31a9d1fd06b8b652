import { orientationOnlyExif, readExifOrientation } from './exif-orientation.js';
import { MalformedFileError } from './upload-errors.js';

/** Chunks of the extended format that affect drawing (RFC 9649 §2.7). EXIF, XMP and unknown go. */
const KEPT = new Set(['ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L']);
const FLAG_ICC = 0x20;
const FLAG_ALPHA = 0x10;
const FLAG_EXIF = 0x08;
const FLAG_ANIMATION = 0x02;

interface Chunk {
  fourcc: string;
  payload: Buffer;
}

/**
 * Rewrites a WebP (RFC 9649) without EXIF and XMP chunks, fixing the VP8X flags and the RIFF
 * size to match. Bytes past the RIFF size are dropped. Image data is copied, never decoded.
 */
export function stripWebpMetadata(input: Uint8Array): Buffer {
  const bad = (problem: string) => new MalformedFileError('WebP', problem);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (
    bytes.length < 20 ||
    bytes.toString('latin1', 0, 4) !== 'RIFF' ||
    bytes.toString('latin1', 8, 12) !== 'WEBP'
  )
    throw bad('the RIFF header is wrong');
  const end = 8 + bytes.readUInt32LE(4);
  if (end > bytes.length) throw bad('it is shorter than its RIFF header says');

  const chunks: Chunk[] = [];
  for (let pos = 12; pos < end;) {
    if (pos + 8 > end) throw bad('it ends inside a chunk header');
    const fourcc = bytes.toString('latin1', pos, pos + 4);
    const size = bytes.readUInt32LE(pos + 4);
    if (pos + 8 + size > end) throw bad(`the ${printable(fourcc)} chunk runs past the end`);
    chunks.push({ fourcc, payload: bytes.subarray(pos + 8, pos + 8 + size) });
    pos += 8 + size + (size & 1);
  }

  const first = chunks[0];
  if (!first) throw bad('it has no chunks');
  if (first.fourcc === 'VP8 ' || first.fourcc === 'VP8L') {
    // The simple format cannot carry metadata; anything after the bitstream is junk.
    checkBitstream(first, bad);
    return riff([first]);
  }
  if (first.fourcc !== 'VP8X' || first.payload.length < 10)
    throw bad('it has no VP8, VP8L or VP8X chunk first');

  let orientation: number | null = null;
  const kept: Chunk[] = [];
  for (const chunk of chunks.slice(1)) {
    if (chunk.fourcc === 'EXIF' && orientation === null) {
      const exif = chunk.payload;
      // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
      orientation = readExifOrientation(
        exif.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif,
      );
    }
    if (KEPT.has(chunk.fourcc)) kept.push(chunk);
  }
  const image = kept.find((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L');
  if (image) checkBitstream(image, bad);
  else if (!kept.some((c) => c.fourcc === 'ANMF')) throw bad('it has no image data');

  const header = Buffer.from(first.payload.subarray(0, 10));
  const hasIcc = kept.some((c) => c.fourcc === 'ICCP');
  header[0] =
    (header[0]! & (FLAG_ALPHA | FLAG_ANIMATION)) | (hasIcc ? FLAG_ICC : 0) | (orientation ? FLAG_EXIF : 0);
  const out: Chunk[] = [{ fourcc: 'VP8X', payload: header }, ...kept];
  if (orientation !== null) out.push({ fourcc: 'EXIF', payload: orientationOnlyExif(orientation) });
  return riff(out);
}

function checkBitstream(chunk: Chunk, bad: (problem: string) => MalformedFileError): void {
  const p = chunk.payload;
  // VP8: 3-byte frame tag, then the start code 9D 01 2A (RFC 6386 §9.1); VP8L: signature 0x2F.
  if (chunk.fourcc === 'VP8 ' && !(p.length >= 10 && p[3] === 0x9d && p[4] === 0x01 && p[5] === 0x2a))
    throw bad('the VP8 bitstream header is wrong');
  if (chunk.fourcc === 'VP8L' && !(p.length >= 5 && p[0] === 0x2f))
    throw bad('the VP8L bitstream header is wrong');
}

function riff(chunks: Chunk[]): Buffer {
  const parts: Buffer[] = [];
  for (const { fourcc, payload } of chunks) {
    const head = Buffer.alloc(8);
    head.write(fourcc, 0, 'latin1');
    head.writeUInt32LE(payload.length, 4);
    parts.push(head, payload);
    if (payload.length & 1) parts.push(Buffer.alloc(1));
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

const printable = (fourcc: string) => (/^[\x20-\x7e]{4}$/.test(fourcc) ? fourcc.trim() : 'next');
