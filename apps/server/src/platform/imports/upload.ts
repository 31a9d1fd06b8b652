import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../errors/errors.js';
import type { TemplateFile } from './import-template.js';

/** The file of an import upload (multipart field "file"), read whole: imports check it before starting. */
export async function uploadedFile(req: FastifyRequest, fallbackName: string) {
  if (!req.isMultipart())
    throw badRequest('multipart_required', 'file: send the file as multipart/form-data field "file"');
  const file = await req.file();
  if (!file) throw badRequest('file_missing', 'file: no file in the request');
  return { fileName: file.filename || fallbackName, data: await file.toBuffer() };
}

/** A template download: a file name of ASCII only, so no header encoding is needed. */
export function sendTemplate(reply: FastifyReply, t: TemplateFile): FastifyReply {
  return reply
    .header('Content-Type', t.contentType)
    .header('Content-Disposition', `attachment; filename="${t.fileName}"`)
    .header('Cache-Control', 'private, max-age=3600')
    .send(t.body);
}
