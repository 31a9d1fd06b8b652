import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  exifWithGps,
  jpeg,
  png,
  pngMetadataChunks,
  webpSimple,
  webpWithMetadata,
} from '../../test-support/image-fixtures.js';
import { LocalFileStore } from './local-file-store.js';
import { HEIF_REFUSAL } from './file-signature.js';
import { ATTACHMENT_TYPES, inspectAndStore, inspectUpload, readBounded } from './upload-inspector.js';
import { UploadRejectedError } from './upload-errors.js';

let root: string;
let store: LocalFileStore;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-inspect-'));
  store = await LocalFileStore.open(root);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function storedFiles(): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

function rejection(fn: () => unknown): UploadRejectedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UploadRejectedError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('inspectUpload', () => {
  it.each([
    ['JPEG', jpeg({ exif: exifWithGps() }), 'image/jpeg', jpeg()],
    ['PNG', png({ extra: pngMetadataChunks() }), 'image/png', png()],
    ['WebP', webpWithMetadata(exifWithGps()), 'image/webp', null],
    ['PDF', PDF, 'application/pdf', PDF],
  ])('accepts a %s by its bytes and strips its metadata', (_name, file, mime, expected) => {
    const out = inspectUpload(file);
    expect(out.mime).toBe(mime);
    if (expected) expect(out.bytes.equals(expected)).toBe(true);
    expect(out.bytes.includes('CivitasCam')).toBe(false);
  });

  it.each([
    [
      'a Windows program renamed .jpg',
      Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(60)]),
      'a Windows executable',
    ],
    ['a ZIP archive', Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), 'a ZIP archive'],
    ['an HTML page', Buffer.from('\ufeff  <!DOCTYPE html><html><script>alert(1)</script>'), 'an HTML page'],
    ['an HTML fragment', Buffer.from('<script>alert(1)</script>'), 'an HTML page'],
    [
      'an SVG',
      Buffer.from('<?xml version="1.0"?><svg onload="alert(1)"/>'),
      'an SVG image (markup that can carry scripts)',
    ],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'a GIF image'],
    ['an ELF binary', Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), 'an ELF executable'],
    ['a HEIC photo', heic(), HEIF_REFUSAL.what],
    ['an AVIF', isoBmff('avif', ['mif1', 'avif']), 'an AVIF image'],
  ])('refuses %s as file_type_not_allowed, naming what it is', (_name, bytes, what) => {
    const err = rejection(() => inspectUpload(bytes));
    expect(err.code).toBe('file_type_not_allowed');
    expect(err.status).toBe(415);
    expect(err.extra.body).toMatchObject({ detected: what });
  });

  it.each([
    ['an iPhone HEIC still', isoBmff('heic', ['mif1', 'heic'])],
    ['a HEIC still with a different major brand', isoBmff('mif1', ['heic'])],
    ['a 10-bit HEIC still', isoBmff('heix', ['mif1', 'heix'])],
    ['a HEVC image sequence (burst, Live Photo)', isoBmff('msf1', ['msf1', 'hevc'])],
    ['a HEVC sequence with a 10-bit brand', isoBmff('hevx', ['msf1'])],
    ['a generic HEIF image', isoBmff('mif1', ['mif1'])],
  ])('refuses %s by its ftyp brands, saying how to send a JPEG instead', (_name, bytes) => {
    const err = rejection(() => inspectUpload(bytes));
    expect(err.code).toBe('file_type_not_allowed');
    expect(err.status).toBe(415);
    expect(err.extra.body).toMatchObject({ detected: HEIF_REFUSAL.what, hint: HEIF_REFUSAL.hint });
    expect(err.message).toMatch(/HEIC photos are not accepted/);
    expect(err.message).toMatch(/camera to JPEG/);
    expect(err.message).toMatch(/convert it to JPEG/);
  });

  it('an AVIF, which also lists the generic HEIF brand, is named as AVIF without the HEIC advice', () => {
    const err = rejection(() => inspectUpload(isoBmff('avif', ['mif1', 'miaf'])));
    expect(err.extra.body).toEqual({ detected: 'an AVIF image', allowed: ATTACHMENT_TYPES });
  });

  it('refuses plain text and random bytes as file_type_unknown, and empty files as file_empty', () => {
    expect(rejection(() => inspectUpload(Buffer.from('just some text'))).code).toBe('file_type_unknown');
    expect(rejection(() => inspectUpload(Buffer.from([0x00, 0x01, 0x02]))).code).toBe('file_type_unknown');
    expect(rejection(() => inspectUpload(Buffer.alloc(0))).code).toBe('file_empty');
  });

  it('refuses truncated images and PDFs as file_malformed', () => {
    for (const file of [
      jpeg().subarray(0, 40),
      png().subarray(0, 50),
      webpSimple().subarray(0, 25),
      PDF.subarray(0, 20),
    ]) {
      const err = rejection(() => inspectUpload(file));
      expect(err.code).toBe('file_malformed');
      expect(err.status).toBe(400);
    }
  });

  it('never throws anything but an upload rejection on random bytes (property)', () => {
    const prefixes = [
      Buffer.alloc(0),
      jpeg().subarray(0, 2),
      png().subarray(0, 8),
      webpSimple().subarray(0, 12),
      Buffer.from('%PDF-1.4'),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), (prefix, tail) => {
        try {
          const out = inspectUpload(Buffer.concat([prefix, tail]));
          expect(out.bytes.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(UploadRejectedError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never crashes on mutated valid images (property)', () => {
    const seeds = [
      jpeg({ exif: exifWithGps({ orientation: 6 }) }),
      png({ extra: pngMetadataChunks() }),
      webpWithMetadata(exifWithGps()),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (seed, edits, cut) => {
          const file = Buffer.from(seed);
          for (const [at, value] of edits) file[at % file.length] = value;
          try {
            inspectUpload(file.subarray(0, cut % (file.length + 1)));
          } catch (e) {
            expect(e).toBeInstanceOf(UploadRejectedError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('inspectAndStore', () => {
  it('stores the stripped image and reports its key, type, size and hash', async () => {
    const result = await inspectAndStore(Readable.from([jpeg({ exif: exifWithGps() })]), store, {
      maxBytes: 10_000,
    });
    expect(result).toMatchObject({ mime: 'image/jpeg', ext: 'jpg', size: jpeg().length });
    const stored = Buffer.from(await text(await store.get(result.key)), 'latin1');
    expect(stored.length).toBe(jpeg().length);
    expect(await storedFiles()).toEqual([result.key]);
  });

  it('refuses an oversized stream while reading it and stores nothing', async () => {
    let produced = 0;
    const big = new Readable({
      read() {
        produced += 4096;
        this.push(produced === 4096 ? jpeg().subarray(0, 100) : Buffer.alloc(4096));
      },
    });
    await expect(inspectAndStore(big, store, { maxBytes: 64 * 1024 })).rejects.toMatchObject({
      code: 'file_too_large',
      status: 413,
    });
    expect(produced).toBeLessThan(128 * 1024);
    expect(big.destroyed).toBe(true);
    expect(await storedFiles()).toEqual([]);
  });

  it('refuses a fake image and stores nothing', async () => {
    const exe = Readable.from([Buffer.from('MZ fake holiday photo.jpg', 'latin1')]);
    await expect(inspectAndStore(exe, store, { maxBytes: 10_000 })).rejects.toMatchObject({
      code: 'file_type_not_allowed',
    });
    expect(await storedFiles()).toEqual([]);
  });

  it('readBounded accepts exactly maxBytes and refuses one more', async () => {
    expect((await readBounded(Readable.from([Buffer.alloc(100)]), 100)).length).toBe(100);
    await expect(readBounded(Readable.from([Buffer.alloc(60), Buffer.alloc(41)]), 100)).rejects.toMatchObject(
      { code: 'file_too_large' },
    );
    await expect(readBounded(Buffer.alloc(101), 100)).rejects.toMatchObject({ code: 'file_too_large' });
  });
});

function isoBmff(major: string, compatible: string[]): Buffer {
  const size = 16 + compatible.length * 4;
  const box = Buffer.alloc(size + 16);
  box.writeUInt32BE(size, 0);
  box.write(`ftyp${major}`, 4, 'latin1');
  compatible.forEach((b, i) => box.write(b, 16 + i * 4, 'latin1'));
  return box;
}

function heic(): Buffer {
  return isoBmff('heic', ['mif1', 'heic']);
}
