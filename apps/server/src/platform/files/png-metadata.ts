import { crc32 } from 'node:zlib';
import { orientationOnlyExif, readExifOrientation } from './exif-orientation.js';
import { MalformedFileError } from './upload-errors.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Chunks kept (PNG 3rd edition §5.6 and APNG): everything that changes how pixels are drawn.
 * An allow-list rather than a deny-list, so private or future text-bearing chunks are dropped too;
 * tEXt, zTXt, iTXt, tIME, eXIf and dSIG are the ones seen in practice.
 */
const KEPT = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'mDCv',
  'cLLI',
  'bKGD',
  'hIST',
  'pHYs',
  'sPLT',
  'acTL',
  'fcTL',
  'fdAT',
]);

/** Rewrites a PNG without metadata chunks, checking every chunk's CRC. Pixels are untouched. */
export function stripPngMetadata(input: Uint8Array): Buffer {
  const bad = (problem: string) => new MalformedFileError('PNG', problem);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw bad('the signature is wrong');

  const parts: Buffer[] = [SIGNATURE];
  let orientation: number | null = null;
  let sawData = false;
  let pos = 8;
  for (;;) {
    if (pos + 12 > bytes.length) throw bad('it ends before the IEND chunk');
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    if (length > 0x7fffffff || pos + 12 + length > bytes.length)
      throw bad(`the ${safe(type)} chunk runs past the end`);
    if (!/^[A-Za-z]{4}$/.test(type)) throw bad(`chunk type at byte ${pos} is not four letters`);
    const chunk = bytes.subarray(pos, pos + 12 + length);
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length))
      throw bad(`the ${type} chunk's checksum is wrong`);
    pos += 12 + length;

    if (parts.length === 1) {
      if (type !== 'IHDR' || length !== 13) throw bad('it does not start with an IHDR chunk');
      if (data.readUInt32BE(0) === 0 || data.readUInt32BE(4) === 0) throw bad('the image has no pixels');
    } else if (type === 'IHDR') {
      throw bad('it has a second IHDR chunk');
    }
    if (type === 'IDAT') sawData = true;
    if (type === 'eXIf' && orientation === null) orientation = readExifOrientation(data);
    if (KEPT.has(type)) parts.push(chunk);
    // An unknown critical chunk (upper-case first letter) means a decoder must refuse the file.
    else if (type.charCodeAt(0) < 0x61) throw bad(`it has an unsupported critical chunk ${type}`);
    if (type === 'IEND') break;
  }
  if (!sawData) throw bad('it has no image data');

  if (orientation !== null) parts.splice(2, 0, pngChunk('eXIf', orientationOnlyExif(orientation)));
  return Buffer.concat(parts);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const safe = (type: string) => (/^[A-Za-z]{4}$/.test(type) ? type : 'next');
