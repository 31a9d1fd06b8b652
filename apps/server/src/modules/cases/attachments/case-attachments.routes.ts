import { attachmentPurpose } from '@civitas/contracts/cases';
import { caseEndpoints as e } from '@civitas/contracts/endpoints/cases';
import { badRequest } from '../../../platform/errors/errors.js';
import type { App } from '../../../platform/http/http-server.js';
import { route } from '../../../platform/http/route.js';
import { readUpload } from '../../../platform/files/read-upload.js';
import { presentAttachment, type CaseAttachmentsService } from './case-attachments.service.js';

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
  route(app, e.upload, 'authenticated', async (req) => {
    const upload = await readUpload(req, { maxBytes: opts.maxBytes });
    const field = upload.fields.purpose;
    const parsed = field === undefined ? undefined : attachmentPurpose.safeParse(field);
    if (parsed && !parsed.success)
      throw badRequest('bad_purpose', 'purpose: one of report, resolution, other');
    const purpose = parsed?.data ?? req.query.purpose;
    const { row, view } = await attachments.upload(req.ctx, req.params.id, upload, purpose);
    return presentAttachment(row, view, req.actor.userId);
  });

  route(app, e.attachments, 'authenticated', async (req) => {
    const { view, rows } = await attachments.list(req.actor, req.params.id);
    return { items: rows.map((a) => presentAttachment(a, view, req.actor.userId)) };
  });

  route(app, e.download, 'authenticated', async (req, reply) => {
    const { attachment: a, stream } = await attachments.open(req.ctx, req.params.id, req.params.attachmentId);
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
  });
}
