import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exifWithGps, png, pngChunk, pngMetadataChunks } from '../../test-support/image-fixtures.js';
import { readExifOrientation } from './exif-orientation.js';
import { stripPngMetadata } from './png-metadata.js';
import { MalformedFileError } from './upload-errors.js';

function chunkTypes(file: Buffer): string[] {
  const types: string[] = [];
  for (let pos = 8; pos < file.length;) {
    const length = file.readUInt32BE(pos);
    types.push(file.toString('latin1', pos + 4, pos + 8));
    pos += 12 + length;
  }
  return types;
}

/** Decompresses IDAT: a 2×1 greyscale image is one filter byte and two samples. */
function pixels(file: Buffer): Buffer {
  const at = file.indexOf('IDAT', 8, 'latin1');
  const length = file.readUInt32BE(at - 4);
  return inflateSync(file.subarray(at + 4, at + 4 + length));
}

describe('stripPngMetadata', () => {
  it('drops tEXt, zTXt, iTXt, tIME and eXIf and keeps the image as built without them', () => {
    const dirty = png({ extra: [...pngMetadataChunks(), pngChunk('eXIf', exifWithGps())] });
    const out = stripPngMetadata(dirty);
    expect(out.equals(png())).toBe(true);
    expect(chunkTypes(out)).toEqual(['IHDR', 'gAMA', 'IDAT', 'IEND']);
    expect(pixels(out)).toEqual(Buffer.from([0, 0x20, 0xe0]));
    for (const secret of ['Lane 3', 'GPSLatitude', 'CivitasCam']) expect(out.includes(secret)).toBe(false);
  });

  it('drops text chunks written after the image data and private ancillary chunks', () => {
    const out = stripPngMetadata(png({ late: [pngChunk('tEXt', 'Author\0me'), pngChunk('prVt', 'x')] }));
    expect(out.equals(png())).toBe(true);
  });

  it('keeps orientation as a one-entry eXIf before IDAT', () => {
    const out = stripPngMetadata(png({ extra: [pngChunk('eXIf', exifWithGps({ orientation: 3 }))] }));
    expect(chunkTypes(out)).toEqual(['IHDR', 'eXIf', 'gAMA', 'IDAT', 'IEND']);
    const at = out.indexOf('eXIf', 8, 'latin1');
    expect(readExifOrientation(out.subarray(at + 4, at + 4 + out.readUInt32BE(at - 4)))).toBe(3);
    expect(stripPngMetadata(out).equals(out)).toBe(true); // the CRC we wrote checks out
  });

  it('drops bytes after IEND', () => {
    expect(stripPngMetadata(png({ trailer: Buffer.from('<script>') })).equals(png())).toBe(true);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 6), /ends before the IEND|runs past the end/],
    ['with a flipped bit', (b: Buffer) => flip(b, 43), /checksum is wrong/],
    ['without IHDR first', () => png().subarray(0, 8), /ends before the IEND/],
    [
      'with an unknown critical chunk',
      () => png({ extra: [pngChunk('CgBI', 'x')] }),
      /unsupported critical chunk CgBI/,
    ],
    [
      'with a chunk type that is not letters',
      () => png({ extra: [pngChunk('a1b2', 'x')] }),
      /not four letters/,
    ],
    ['with a huge chunk length', (b: Buffer) => setLength(b, 33, 0xfffffff0), /runs past the end/],
    ['without IDAT', () => stripIdat(png()), /no image data/],
  ])('rejects a PNG %s', (_name, damage, message) => {
    expect(() => stripPngMetadata(damage(png()))).toThrow(MalformedFileError);
    expect(() => stripPngMetadata(damage(png()))).toThrow(message);
  });
});

function flip(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

function setLength(file: Buffer, at: number, length: number): Buffer {
  const copy = Buffer.from(file);
  copy.writeUInt32BE(length, at);
  return copy;
}

function stripIdat(file: Buffer): Buffer {
  const at = file.indexOf('IDAT', 8, 'latin1') - 4;
  return Buffer.concat([file.subarray(0, at), file.subarray(at + 12 + file.readUInt32BE(at))]);
}
