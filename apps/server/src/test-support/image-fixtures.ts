import { crc32, deflateSync } from 'node:zlib';

/**
 * Small, valid images built byte by byte for tests, with the metadata phones put in them.
 * Every builder returns real files a browser decodes; a test can add or leave out the metadata
 * and compare a stripped file with the clean build.
 */

/** A little-endian Exif TIFF body: Make, Orientation and a GPS IFD with latitude N 31°13'48". */
export function exifWithGps(opts: { orientation?: number; make?: string } = {}): Buffer {
  const make = Buffer.from(`${opts.make ?? 'CivitasCam'}\0`, 'latin1');
  if (make.length > 12) throw new Error('make: at most 11 characters fit the layout');
  const out = Buffer.alloc(116);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  const gpsIfd = 62;
  const makeAt = 50;
  const latAt = 92;
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    out.writeUInt32LE(value, at + 8);
  };
  out.writeUInt16LE(3, 8);
  entry(10, 0x010f, 2, make.length, makeAt); // Make (ASCII)
  entry(22, 0x0112, 3, 1, opts.orientation ?? 1); // Orientation (SHORT, left-justified)
  entry(34, 0x8825, 4, 1, gpsIfd); // GPSInfo IFD pointer
  out.writeUInt32LE(0, 46);
  out.writeUInt16LE(2, gpsIfd);
  entry(gpsIfd + 2, 0x0001, 2, 2, 0x4e); // GPSLatitudeRef "N"
  entry(gpsIfd + 14, 0x0002, 5, 3, latAt); // GPSLatitude, three RATIONALs
  out.writeUInt32LE(0, gpsIfd + 26);
  [31, 1, 13, 1, 48, 1].forEach((v, i) => out.writeUInt32LE(v, latAt + i * 4));
  make.copy(out, makeAt);
  return out;
}

export const XMP_WITH_GPS =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="31,13.8N"/></rdf:RDF></x:xmpmeta>';

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

export const jpegSegment = segment;

export interface JpegParts {
  exif?: Buffer;
  xmp?: string;
  comment?: string;
  icc?: boolean;
  /** Bytes appended after EOI, as polyglot files and some cameras do. */
  trailer?: Buffer;
}

/**
 * A 1×1 grey baseline JPEG: quantisation all ones, one-code Huffman tables, and one block whose
 * DC difference is 0 and whose AC is an immediate EOB (bits "00", padded with ones: 0x3F).
 */
export function jpeg(parts: JpegParts = {}): Buffer {
  const jfif = segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const meta: Buffer[] = [];
  if (parts.exif) meta.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), parts.exif])));
  if (parts.xmp)
    meta.push(segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${parts.xmp}`, 'latin1')));
  if (parts.icc) meta.push(iccSegment());
  if (parts.comment) meta.push(segment(0xfe, Buffer.from(parts.comment, 'latin1')));
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = segment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
  const huff = (cls: number) => {
    const bits = Buffer.alloc(16);
    bits[0] = 1;
    return segment(0xc4, Buffer.concat([Buffer.from([cls << 4]), bits, Buffer.from([0])]));
  };
  const sos = segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    jfif,
    ...meta,
    dqt,
    sof,
    huff(0),
    huff(1),
    sos,
    Buffer.from([0x3f]),
    Buffer.from([0xff, 0xd9]),
    parts.trailer ?? Buffer.alloc(0),
  ]);
}

/** APP2 ICC_PROFILE chunk 1 of 1 (a stand-in body; decoders ignore what they cannot parse). */
export function iccSegment(): Buffer {
  return segment(
    0xe2,
    Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), Buffer.alloc(16)]),
  );
}

export function pngChunk(type: string, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/** A 2×1 8-bit greyscale PNG; `extra` chunks go between IHDR and IDAT, `late` ones after IDAT. */
export function png(opts: { extra?: Buffer[]; late?: Buffer[]; trailer?: Buffer } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
    ...(opts.extra ?? []),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0x20, 0xe0]))),
    ...(opts.late ?? []),
    pngChunk('IEND', Buffer.alloc(0)),
    opts.trailer ?? Buffer.alloc(0),
  ]);
}

/** PNG text and time chunks as cameras and editors write them. */
export function pngMetadataChunks(): Buffer[] {
  return [
    pngChunk('tEXt', 'Comment\0taken at Lane 3, Building 7'),
    pngChunk('zTXt', Buffer.concat([Buffer.from('Author\0\0', 'latin1'), deflateSync('Wang Fang')])),
    pngChunk('iTXt', `XML:com.adobe.xmp\0\0\0\0\0${XMP_WITH_GPS}`),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 11, 2, 9, 30, 0])),
  ];
}

/** The lossless bitstream of a 1×1 transparent pixel (VP8L, 13 bytes). */
export const VP8L_1X1 = Buffer.from('2f000000100710111188 88fe07'.replace(/ /g, ''), 'hex');

export function riffChunk(fourcc: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload, payload.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function riff(chunks: Buffer[], trailer?: Buffer): Buffer {
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body, trailer ?? Buffer.alloc(0)]);
}

/** VP8X payload: flags byte, three reserved bytes, canvas width−1 and height−1 (24-bit LE). */
export function vp8x(flags: number): Buffer {
  return Buffer.from([flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

/** A simple-format 1×1 WebP. */
export const webpSimple = () => riff([riffChunk('VP8L', VP8L_1X1)]);

/** An extended 1×1 WebP with EXIF (GPS) and XMP, flags set as libwebp's muxer sets them. */
export function webpWithMetadata(exif: Buffer): Buffer {
  return riff([
    riffChunk('VP8X', vp8x(0x10 | 0x08 | 0x04)),
    riffChunk('VP8L', VP8L_1X1),
    riffChunk('EXIF', exif),
    riffChunk('XMP ', Buffer.from(XMP_WITH_GPS, 'latin1')),
  ]);
}
