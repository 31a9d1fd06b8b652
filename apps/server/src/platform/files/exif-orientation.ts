/**
 * Exif is dropped whole on upload because it carries GPS position, time, camera serial numbers
 * and thumbnails. Only the Orientation tag (0x0112) affects how a photo is drawn: phones store
 * pixels as the sensor saw them and rotate by this tag. Dropping it would show portrait photos
 * on their side, so we carry it over into a freshly written Exif block holding nothing else.
 */
const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/** Orientation 2..8 from a TIFF-structured Exif body, or null (absent, 1, or unreadable). */
export function readExifOrientation(tiff: Uint8Array): number | null {
  if (tiff.length < 8) return null;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0]!, tiff[1]!);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  if (view.getUint16(2, le) !== 42) return null;
  const ifd = view.getUint32(4, le);
  if (ifd < 8 || ifd + 2 > tiff.length) return null;
  const count = view.getUint16(ifd, le);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (view.getUint16(entry, le) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, le) !== TYPE_SHORT || view.getUint32(entry + 4, le) !== 1) return null;
    const value = view.getUint16(entry + 8, le);
    return value >= 2 && value <= 8 ? value : null;
  }
  return null;
}

/** A big-endian TIFF body with one IFD holding only Orientation (26 bytes). */
export function orientationOnlyExif(orientation: number): Buffer {
  const out = Buffer.alloc(26);
  out.write('MM', 0, 'latin1');
  out.writeUInt16BE(42, 2);
  out.writeUInt32BE(8, 4);
  out.writeUInt16BE(1, 8);
  out.writeUInt16BE(ORIENTATION_TAG, 10);
  out.writeUInt16BE(TYPE_SHORT, 12);
  out.writeUInt32BE(1, 14);
  out.writeUInt16BE(orientation, 18);
  out.writeUInt32BE(0, 22);
  return out;
}
