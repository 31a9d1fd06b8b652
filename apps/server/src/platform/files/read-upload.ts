import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors/errors.js';

export interface Upload {
  /** As the client named it: display only, never a path, never a type decision. */
  filename: string;
  stream: Readable;
  /** Plain form fields sent before the file (busboy sees only those when the file is reached). */
  fields: Record<string, string>;
}

/**
 * The single file of a multipart/form-data request (field name free). Busboy is told to stop at
 * `maxBytes + 1`, so an oversized file is cut off on the wire and `readBounded` (or the store's
 * `maxBytes`) reports `file_too_large`, instead of a silently truncated file being accepted.
 */
export async function readUpload(req: FastifyRequest, limits: { maxBytes: number }): Promise<Upload> {
  if (!req.isMultipart()) throw badRequest('multipart_required', 'Send the file as multipart/form-data.');
  const part = await req.file({
    limits: { fileSize: limits.maxBytes + 1, files: 1 },
    throwFileSizeLimit: false,
  });
  if (!part) throw badRequest('file_missing', 'The request holds no file.');
  const fields: Record<string, string> = {};
  for (const [name, f] of Object.entries(part.fields)) {
    const first = Array.isArray(f) ? f[0] : f;
    if (first && first.type === 'field' && typeof first.value === 'string') fields[name] = first.value;
  }
  return { filename: part.filename.slice(0, 255), stream: part.file, fields };
}
