import { attachmentPurpose, caseAttachment } from '@civitas/contracts/cases';
import { z } from 'zod';
import { badRequest } from '../../platform/errors/errors.js';
import type { App } from '../../platform/http/http-server.js';
import { readUpload } from '../../platform/files/read-upload.js';
import { presentAttachment, type CaseAttachmentsService } from './case-attachments.service.js';

const idParams = z.object({ id: z.uuid() });
const fileParams = z.object({ id: z.uuid(), attachmentId: z.uuid() });
const tags = ['cases'];

/** RFC 6266: an ASCII fallback plus the UTF-8 name, so no client ever sees a raw quote or newline. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerCaseAttachmentRoutes(
  app: App,
  attachments: CaseAttachmentsService,
  opts: { maxBytes: number },
): void {
  app.post(
    '/api/v1/cases/:id/attachments',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Attach a photo or document (multipart/form-data, field "file"; optional field "purpose" before it, or ?purpose=). JPEG, PNG, WebP and PDF, checked by content; image metadata (Exif, GPS) is removed.',
        params: idParams,
        querystring: z.object({ purpose: attachmentPurpose.optional() }),
        consumes: ['multipart/form-data'],
        response: { 201: caseAttachment },
      },
    },
    async (req, reply) => {
      const upload = await readUpload(req, { maxBytes: opts.maxBytes });
      const field = upload.fields.purpose;
      const parsed = field === undefined ? undefined : attachmentPurpose.safeParse(field);
      if (parsed && !parsed.success)
        throw badRequest('bad_purpose', 'purpose: one of report, resolution, other');
      const purpose = parsed?.data ?? req.query.purpose;
      const { row, view } = await attachments.upload(
        { ...req.ctx, actor: req.actor! },
        req.params.id,
        upload,
        purpose,
      );
      return reply.status(201).send(presentAttachment(row, view, req.actor!.userId));
    },
  );

  app.get(
    '/api/v1/cases/:id/attachments',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The files of a case, for whoever may see the case',
        params: idParams,
        response: { 200: z.object({ items: z.array(caseAttachment) }) },
      },
    },
    async (req) => {
      const { view, rows } = await attachments.list(req.actor!, req.params.id);
      return { items: rows.map((a) => presentAttachment(a, view, req.actor!.userId)) };
    },
  );

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Download one file of a case (same access as the case). Images are shown inline, PDFs always download.',
        params: fileParams,
      },
    },
    async (req, reply) => {
      const { attachment: a, stream } = await attachments.open(
        { ...req.ctx, actor: req.actor! },
        req.params.id,
        req.params.attachmentId,
      );
      // ADR 0010: the stored type (never the client's), no sniffing, and PDFs never render in our
      // origin; the sandbox CSP keeps an image opened directly from running anything either.
      return reply
        .header('Content-Type', a.mime)
        .header('Content-Length', String(a.size))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'private, no-store')
        .header(
          'Content-Disposition',
          contentDisposition(a.mime.startsWith('image/') ? 'inline' : 'attachment', a.file_name),
        )
        .send(stream);
    },
  );
}
