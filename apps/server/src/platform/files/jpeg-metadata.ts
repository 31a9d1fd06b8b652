import { orientationOnlyExif, readExifOrientation } from './exif-orientation.js';
import { MalformedFileError } from './upload-errors.js';

/**
 * Rewrites a JPEG (ITU-T T.81 Annex B) keeping only what a decoder needs: the frame, tables,
 * scans, JFIF (APP0), the ICC colour profile (APP2 "ICC_PROFILE") and Adobe's colour-transform
 * flag (APP14). Every other APPn (Exif, XMP, IPTC/Photoshop, MPF, maker notes), comments and any
 * bytes after EOI (appended archives, extra pictures) are dropped. Orientation survives as a new
 * Exif block holding only that tag (see exif-orientation.ts). Pixels are never re-encoded.
 */
export function stripJpegMetadata(input: Uint8Array): Buffer {
  const bad = (problem: string) => new MalformedFileError('JPEG', problem);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw bad('no start-of-image marker');

  const parts: Buffer[] = [bytes.subarray(0, 2)];
  let exifAt = 1;
  let orientation: number | null = null;
  let sawFrame = false;
  let sawScan = false;
  let pos = 2;

  for (;;) {
    if (pos >= bytes.length) throw bad('it ends before the end-of-image marker');
    if (bytes[pos] !== 0xff) throw bad(`expected a marker at byte ${pos}`);
    while (bytes[pos] === 0xff) pos++; // fill bytes (B.1.1.2)
    if (pos >= bytes.length) throw bad('it ends inside a marker');
    const marker = bytes[pos++]!;
    if (marker === 0xd9) {
      if (!sawScan) throw bad('it has no image data');
      parts.push(Buffer.from([0xff, 0xd9]));
      break;
    }
    if (marker === 0x00 || marker === 0xd8) throw bad(`unexpected marker 0x${marker.toString(16)}`);
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM/RSTn carry no data

    if (pos + 2 > bytes.length) throw bad('it ends inside a segment header');
    const length = bytes.readUInt16BE(pos);
    if (length < 2 || pos + length > bytes.length) throw bad('a segment runs past the end');
    const segment = bytes.subarray(pos - 2, pos + length);
    const payload = bytes.subarray(pos + 2, pos + length);
    pos += length;

    if (isFrameHeader(marker)) {
      if (payload.length < 6 || payload.readUInt16BE(3) === 0 || payload[5] === 0)
        throw bad('the frame header is invalid');
      if (payload.length !== 6 + 3 * payload[5]!) throw bad('the frame header has the wrong length');
      sawFrame = true;
      parts.push(segment);
    } else if (marker === 0xda) {
      if (!sawFrame) throw bad('a scan comes before the frame header');
      parts.push(segment);
      const end = endOfEntropyData(bytes, pos);
      if (end < 0) throw bad('the scan data is truncated');
      parts.push(bytes.subarray(pos, end));
      pos = end;
      sawScan = true;
    } else if (marker === 0xe0) {
      if (startsWithText(payload, 'JFIF\0') && parts.length === 1) {
        parts.push(segment);
        exifAt = 2;
      }
    } else if (marker === 0xe1) {
      if (orientation === null && startsWithText(payload, 'Exif\0\0'))
        orientation = readExifOrientation(payload.subarray(6));
    } else if (marker === 0xe2) {
      if (startsWithText(payload, 'ICC_PROFILE\0')) parts.push(segment);
    } else if (marker === 0xee) {
      if (startsWithText(payload, 'Adobe')) parts.push(segment);
    } else if (KEPT_TABLES.has(marker)) {
      parts.push(segment);
    }
    // Anything else (APP3–APP13, APP15, COM, JPEG extensions, reserved) is dropped.
  }

  if (orientation !== null) {
    const tiff = orientationOnlyExif(orientation);
    const header = Buffer.alloc(10);
    header.writeUInt16BE(0xffe1, 0);
    header.writeUInt16BE(2 + 6 + tiff.length, 2);
    header.write('Exif\0\0', 4, 'latin1');
    parts.splice(exifAt, 0, header, tiff);
  }
  return Buffer.concat(parts);
}

/** DHT, DAC, DQT, DNL, DRI, EXP: tables and parameters a decoder reads. */
const KEPT_TABLES = new Set([0xc4, 0xcc, 0xdb, 0xdc, 0xdd, 0xdf]);

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Index of the marker that ends entropy-coded data, or -1. FF00 is a stuffed byte, FFDn a restart. */
function endOfEntropyData(bytes: Buffer, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
      i++;
      continue;
    }
    if (next === 0xff) continue;
    return i;
  }
  return -1;
}

function startsWithText(payload: Buffer, text: string): boolean {
  return payload.length >= text.length && payload.toString('latin1', 0, text.length) === text;
}
