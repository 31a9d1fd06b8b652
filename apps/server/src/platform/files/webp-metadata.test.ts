import { describe, expect, it } from 'vitest';
import {
  exifWithGps,
  riff,
  riffChunk,
  VP8L_1X1,
  vp8x,
  webpSimple,
  webpWithMetadata,
  XMP_WITH_GPS,
} from '../../test-support/image-fixtures.js';
import { readExifOrientation } from './exif-orientation.js';
import { MalformedFileError } from './upload-errors.js';
import { stripWebpMetadata } from './webp-metadata.js';

function chunks(file: Buffer): { fourcc: string; payload: Buffer }[] {
  const out: { fourcc: string; payload: Buffer }[] = [];
  for (let pos = 12; pos < file.length;) {
    const size = file.readUInt32LE(pos + 4);
    out.push({
      fourcc: file.toString('latin1', pos, pos + 4),
      payload: file.subarray(pos + 8, pos + 8 + size),
    });
    pos += 8 + size + (size & 1);
  }
  return out;
}

describe('stripWebpMetadata', () => {
  it('drops EXIF and XMP, clears their VP8X flags and fixes the RIFF size', () => {
    const out = stripWebpMetadata(webpWithMetadata(exifWithGps()));
    expect(out.equals(riff([riffChunk('VP8X', vp8x(0x10)), riffChunk('VP8L', VP8L_1X1)]))).toBe(true);
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
    expect(out.includes(XMP_WITH_GPS)).toBe(false);
    expect(out.includes('CivitasCam')).toBe(false);
  });

  it('keeps orientation in a one-entry EXIF chunk with the EXIF flag set', () => {
    const out = stripWebpMetadata(webpWithMetadata(exifWithGps({ orientation: 6 })));
    const cs = chunks(out);
    expect(cs.map((c) => c.fourcc)).toEqual(['VP8X', 'VP8L', 'EXIF']);
    expect(cs[0]!.payload[0]).toBe(0x10 | 0x08);
    expect(readExifOrientation(cs[2]!.payload)).toBe(6);
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
  });

  it('reads orientation behind a JPEG-style "Exif\\0\\0" prefix too', () => {
    const prefixed = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifWithGps({ orientation: 8 })]);
    const cs = chunks(stripWebpMetadata(webpWithMetadata(prefixed)));
    expect(readExifOrientation(cs[2]!.payload)).toBe(8);
  });

  it('passes a simple WebP through and cuts bytes past the RIFF size', () => {
    expect(stripWebpMetadata(webpSimple()).equals(webpSimple())).toBe(true);
    const padded = Buffer.concat([webpSimple(), Buffer.from('trailing junk')]);
    expect(stripWebpMetadata(padded).equals(webpSimple())).toBe(true);
  });

  it('sets the ICC flag only when the ICCP chunk is kept', () => {
    const withIcc = riff([
      riffChunk('VP8X', vp8x(0x20 | 0x04)),
      riffChunk('ICCP', Buffer.alloc(7)),
      riffChunk('VP8L', VP8L_1X1),
      riffChunk('XMP ', Buffer.from('x')),
    ]);
    const cs = chunks(stripWebpMetadata(withIcc));
    expect(cs.map((c) => c.fourcc)).toEqual(['VP8X', 'ICCP', 'VP8L']);
    expect(cs[0]!.payload[0]).toBe(0x20);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 10), /shorter than its RIFF header/],
    [
      'with a chunk past the end',
      () => riff([Buffer.from('VP8L\xff\x00\x00\x00', 'latin1')]),
      /runs past the end/,
    ],
    ['with a wrong VP8L signature', () => riff([riffChunk('VP8L', Buffer.alloc(13))]), /VP8L bitstream/],
    ['with a wrong VP8 start code', () => riff([riffChunk('VP8 ', Buffer.alloc(12))]), /VP8 bitstream/],
    [
      'with only metadata',
      () => riff([riffChunk('VP8X', vp8x(0x08)), riffChunk('EXIF', exifWithGps())]),
      /no image data/,
    ],
    [
      'starting with an unknown chunk',
      () => riff([riffChunk('ABCD', Buffer.alloc(4))]),
      /no VP8, VP8L or VP8X/,
    ],
    ['with no chunks', () => riff([]), /RIFF header is wrong|no chunks/],
  ])('rejects a WebP %s', (_name, damage, message) => {
    const file = damage(webpWithMetadata(exifWithGps()));
    expect(() => stripWebpMetadata(file)).toThrow(MalformedFileError);
    expect(() => stripWebpMetadata(file)).toThrow(message);
  });
});
