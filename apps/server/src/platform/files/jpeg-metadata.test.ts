import { describe, expect, it } from 'vitest';
import { exifWithGps, jpeg, XMP_WITH_GPS } from '../../test-support/image-fixtures.js';
import { readExifOrientation } from './exif-orientation.js';
import { stripJpegMetadata } from './jpeg-metadata.js';
import { MalformedFileError } from './upload-errors.js';

/** Marker → payload of every segment before the first scan, as a decoder walks them. */
function segments(file: Buffer): { marker: number; payload: Buffer }[] {
  const out: { marker: number; payload: Buffer }[] = [];
  for (let pos = 2; pos < file.length;) {
    const marker = file[pos + 1]!;
    const length = file.readUInt16BE(pos + 2);
    out.push({ marker, payload: file.subarray(pos + 4, pos + 2 + length) });
    if (marker === 0xda) break;
    pos += 2 + length;
  }
  return out;
}

describe('stripJpegMetadata', () => {
  it('removes Exif with GPS, XMP and comments and leaves the clean image byte for byte', () => {
    const dirty = jpeg({ exif: exifWithGps(), xmp: XMP_WITH_GPS, comment: 'Lane 3, Building 7' });
    const out = stripJpegMetadata(dirty);
    expect(out.equals(jpeg())).toBe(true);
    expect(out.includes('CivitasCam')).toBe(false);
    expect(out.includes('GPSLatitude')).toBe(false);
    expect(out.includes('Lane 3')).toBe(false);
  });

  it('keeps the orientation, and only the orientation, in a new Exif block after JFIF', () => {
    const out = stripJpegMetadata(jpeg({ exif: exifWithGps({ orientation: 6 }) }));
    const segs = segments(out);
    expect(segs.map((s) => s.marker)).toEqual([0xe0, 0xe1, 0xdb, 0xc0, 0xc4, 0xc4, 0xda]);
    const exif = segs[1]!.payload;
    expect(exif.subarray(0, 6).toString('latin1')).toBe('Exif\0\0');
    expect(readExifOrientation(exif.subarray(6))).toBe(6);
    expect(exif.length).toBe(6 + 26); // one IFD entry: no Make, no GPS pointer
    expect(out.includes('CivitasCam')).toBe(false);
  });

  it('keeps the ICC profile needed to render colours', () => {
    const out = stripJpegMetadata(jpeg({ icc: true, exif: exifWithGps() }));
    expect(out.equals(jpeg({ icc: true }))).toBe(true);
  });

  it('drops bytes after EOI (an appended ZIP stays out of the store)', () => {
    const trailer = Buffer.from('PK\u0003\u0004 hidden archive', 'latin1');
    expect(stripJpegMetadata(jpeg({ trailer })).equals(jpeg())).toBe(true);
  });

  it('is idempotent', () => {
    const once = stripJpegMetadata(jpeg({ exif: exifWithGps({ orientation: 8 }), comment: 'x' }));
    expect(stripJpegMetadata(once).equals(once)).toBe(true);
  });

  it.each([
    ['truncated in the scan', (b: Buffer) => b.subarray(0, b.length - 2), /scan data is truncated/],
    ['cut inside a segment', (b: Buffer) => b.subarray(0, 30), /runs past the end|ends inside/],
    ['only SOI', () => Buffer.from([0xff, 0xd8, 0xff]), /ends inside a marker|ends before|start-of-image/],
    [
      'garbage after SOI',
      (b: Buffer) => Buffer.concat([b.subarray(0, 2), Buffer.from('hello')]),
      /expected a marker/,
    ],
    ['no frame before the scan', (b: Buffer) => removeSegment(b, 0xc0), /scan comes before the frame/],
    ['zero-width frame', (b: Buffer) => patchFrame(b, 3, 0), /frame header is invalid/],
    ['EOI before any scan', () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /no image data/],
    [
      'a segment length below 2',
      () => Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x01, 0, 0]),
      /runs past the end/,
    ],
  ])('rejects a JPEG %s with a clear error', (_name, damage, message) => {
    const err = catchError(() => stripJpegMetadata(damage(jpeg())));
    expect(err).toBeInstanceOf(MalformedFileError);
    expect((err as MalformedFileError).code).toBe('file_malformed');
    expect((err as Error).message).toMatch(message);
  });
});

function removeSegment(file: Buffer, marker: number): Buffer {
  for (let pos = 2; pos < file.length;) {
    const length = file.readUInt16BE(pos + 2);
    if (file[pos + 1] === marker)
      return Buffer.concat([file.subarray(0, pos), file.subarray(pos + 2 + length)]);
    pos += 2 + length;
  }
  throw new Error('marker not found');
}

function patchFrame(file: Buffer, offsetInPayload: number, value: number): Buffer {
  const copy = Buffer.from(file);
  const at = copy.indexOf(Buffer.from([0xff, 0xc0]));
  copy.writeUInt16BE(value, at + 4 + offsetInPayload); // payload starts after FFC0 and the length
  return copy;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
