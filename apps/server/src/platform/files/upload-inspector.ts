import type { Readable } from 'node:stream';
import { detectFileType, type AllowedMime } from './file-signature.js';
import type { FileSource, FileStore } from './file-store.js';
import { stripJpegMetadata } from './jpeg-metadata.js';
import { stripPngMetadata } from './png-metadata.js';
import {
  MalformedFileError,
  fileEmpty,
  fileTooLarge,
  fileTypeNotAllowed,
  fileTypeUnknown,
} from './upload-errors.js';
import { stripWebpMetadata } from './webp-metadata.js';

/** What the inspector accepts; HEIC/HEIF is recognised and refused with advice (file-signature.ts). */
export const ATTACHMENT_TYPES: readonly string[] = ['JPEG', 'PNG', 'WebP', 'PDF'];

export interface InspectedFile {
  mime: AllowedMime;
  ext: string;
  /** The bytes to store: for images, rewritten without metadata. */
  bytes: Buffer;
}

export interface StoredAttachment {
  key: string;
  mime: AllowedMime;
  ext: string;
  size: number;
  sha256: string;
}

/**
 * Decides what a file is from its bytes alone, refuses anything off the allow-list, and removes
 * image metadata. Throws only `UploadRejectedError`; never trusts a declared type or name.
 */
export function inspectUpload(input: Uint8Array): InspectedFile {
  if (input.length === 0) throw fileEmpty();
  const found = detectFileType(input);
  if (found.kind === 'unknown') throw fileTypeUnknown(ATTACHMENT_TYPES);
  if (found.kind === 'denied') throw fileTypeNotAllowed(found.what, ATTACHMENT_TYPES, found.hint);
  const { mime, ext } = found;
  try {
    switch (mime) {
      case 'image/jpeg':
        return { mime, ext, bytes: stripJpegMetadata(input) };
      case 'image/png':
        return { mime, ext, bytes: stripPngMetadata(input) };
      case 'image/webp':
        return { mime, ext, bytes: stripWebpMetadata(input) };
      case 'application/pdf':
        return { mime, ext, bytes: checkPdf(input) };
    }
  } catch (e) {
    if (e instanceof MalformedFileError || !(e instanceof RangeError)) throw e;
    // A bounds check we missed must still be a refusal, never a 500.
    throw new MalformedFileError(ext.toUpperCase(), 'a structure points outside the file');
  }
}

/**
 * Reads a whole upload into memory, refusing it as soon as it passes `maxBytes`: at most
 * `maxBytes` plus one chunk is ever held, whatever the sender claims or sends.
 */
export async function readBounded(source: FileSource, maxBytes: number): Promise<Buffer> {
  if (source instanceof Uint8Array) {
    if (source.length > maxBytes) throw fileTooLarge(maxBytes);
    return Buffer.from(source);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buf.length;
    if (size > maxBytes) {
      (source as Partial<Readable>).destroy?.();
      throw fileTooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** Reads, inspects and stores one upload. Nothing reaches the store unless it passed. */
export async function inspectAndStore(
  source: FileSource,
  store: FileStore,
  opts: { maxBytes: number },
): Promise<StoredAttachment> {
  const inspected = inspectUpload(await readBounded(source, opts.maxBytes));
  const stored = await store.put(inspected.bytes);
  return {
    key: stored.key,
    mime: inspected.mime,
    ext: inspected.ext,
    size: stored.size,
    sha256: stored.sha256,
  };
}

/** PDFs are kept as sent (see the ADR on attachments); we check they are whole, not what they say. */
function checkPdf(input: Uint8Array): Buffer {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!/^%PDF-[12]\.\d/.test(bytes.toString('latin1', 0, 8)))
    throw new MalformedFileError('PDF', 'the version header is wrong');
  if (!bytes.toString('latin1', Math.max(0, bytes.length - 1024)).includes('%%EOF'))
    throw new MalformedFileError('PDF', 'it has no end-of-file marker (truncated?)');
  return bytes;
}
