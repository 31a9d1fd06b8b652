import { openCaseStates, type AttachmentPurpose, type CaseState } from '@civitas/contracts/cases';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Actor, Grant, RequestContext } from '../../../platform/auth/actor.js';
import { badRequest, conflict, forbidden, notFound } from '../../../platform/errors/errors.js';
import type { FileStore } from '../../../platform/files/file-store.js';
import type { Upload } from '../../../platform/files/read-upload.js';
import { inspectAndStore } from '../../../platform/files/upload-inspector.js';
import type { Clock } from '../case-clock.js';
import type { CaseEffects } from '../workflow/case-effects.js';
import { handleGrant, isReporter, readGrant } from '../workflow/case-policy.js';
import type { AttachmentRow, CaseAttachmentsRepository } from './case-attachments.repository.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import { scopeOf, type CaseService, type CaseView } from '../cases.service.js';
import type { CaseDB } from '../cases.tables.js';

type Ctx = RequestContext & { actor: Actor };

/** States in which the reporter may add photos: at report time, and when staff ask for more. */
const REPORTER_STATES: readonly CaseState[] = ['submitted', 'pending_info'];
/** States in which handlers attach; a resolution photo is taken before `resolve`. */
const HANDLER_STATES: readonly CaseState[] = openCaseStates;

type Uploader = { kind: 'handler'; grant: Grant } | { kind: 'reporter' };

/**
 * Photos and documents on cases (issue 4, item 5; ADR 0010). The bytes are checked and stripped
 * by `inspectAndStore` before they reach the store; the row, the timeline event and the audit row
 * are written in one transaction, and the stored file is deleted again when that fails. Files are
 * served only to those who may see the case, by the same rule as the case itself.
 */
export class CaseAttachmentsService {
  constructor(
    private readonly db: Kysely<CaseDB>,
    private readonly repo: CaseAttachmentsRepository,
    private readonly cases: CasesRepository,
    private readonly caseService: CaseService,
    private readonly effects: CaseEffects,
    private readonly store: FileStore,
    private readonly clock: Clock,
    private readonly opts: { maxBytes: number },
  ) {}

  async upload(ctx: Ctx, caseId: string, file: Upload, requested: AttachmentPurpose | undefined) {
    const seen = await this.cases.find(caseId);
    if (!seen) throw notFound('Case');
    // Decided before a byte is read, so a refused upload never reaches the store.
    const who = this.uploader(ctx.actor, seen);
    const purpose = purposeFor(who, seen, requested);
    const stored = await inspectAndStore(file.stream, this.store, { maxBytes: this.opts.maxBytes });
    const now = this.clock.now();
    try {
      const id = await this.db.transaction().execute(async (trx) => {
        // The row lock orders this with actions on the case; the state may have moved meanwhile.
        const c = await this.cases.findForUpdate(trx, caseId);
        if (!c) throw notFound('Case');
        const again = this.uploader(ctx.actor, c);
        const newId = await this.repo.insert(trx, {
          case_id: c.id,
          storage_key: stored.key,
          file_name: safeName(file.filename, stored.ext),
          mime: stored.mime,
          size: stored.size,
          sha256: stored.sha256,
          purpose,
          created_by: ctx.actor.userId,
          created_at: now,
        });
        await this.effects.record(trx, ctx, c, {
          action: 'attach',
          from: null,
          to: null,
          visibility: 'public',
          data: { attachmentId: newId, purpose, mime: stored.mime, size: stored.size },
          ...(again.kind === 'handler' ? { grant: again.grant } : { role: 'resident' }),
          at: now,
        });
        return newId;
      });
      const row = (await this.repo.find(caseId, id))!;
      const view = (await this.caseService.viewOf(ctx.actor, seen)) ?? 'public';
      return { row, view };
    } catch (e) {
      // ADR 0010: the file is written first; when its row does not commit, the file goes too.
      await this.store.delete(stored.key);
      throw e;
    }
  }

  async list(actor: Actor, caseId: string) {
    const { row, view } = await this.caseService.get(actor, caseId);
    return { view, rows: await this.repo.list(row.id) };
  }

  /**
   * The file and how to label it; 404 for whoever may not see the case (existence is not revealed).
   * Photos show homes and people: the look is audited before a byte is sent.
   */
  async open(ctx: Ctx, caseId: string, attachmentId: string) {
    const { row } = await this.caseService.get(ctx.actor, caseId);
    const a = await this.repo.find(row.id, attachmentId);
    if (!a) throw notFound('Attachment');
    await this.caseService.looked(ctx, row, {
      action: 'case.attachment.read',
      detail: { attachmentId: a.id, purpose: a.purpose },
    });
    const stream: Readable = await this.store.get(a.storage_key);
    return { attachment: a, stream };
  }

  /**
   * Handlers (case.handle over the holding unit, the assignee among them) attach while the case is
   * open; the reporter on their own case while it is submitted or waiting on them. A viewer who
   * may not attach hears why; anyone else gets 404.
   */
  private uploader(actor: Actor, c: CaseDetailRow): Uploader {
    const scope = scopeOf(c);
    const state = c.state as CaseState;
    const grant = handleGrant(actor, scope);
    if (grant) {
      if (!HANDLER_STATES.includes(state))
        throw conflict('case_not_open', `attachments: the case is ${c.state}; files can no longer be added`);
      return { kind: 'handler', grant };
    }
    if (isReporter(actor, scope)) {
      if (!REPORTER_STATES.includes(state))
        throw forbidden(
          `attachments: reporters add files while the case is submitted or waiting for information; it is ${c.state}`,
        );
      return { kind: 'reporter' };
    }
    if (readGrant(actor, scope))
      throw forbidden(`attachments: you are not responsible for this case; it is held by ${c.resp_code}`);
    throw notFound('Case');
  }
}

function purposeFor(who: Uploader, c: CaseDetailRow, requested: AttachmentPurpose | undefined) {
  if (who.kind === 'reporter') {
    if (requested === 'resolution')
      throw badRequest(
        'purpose_not_allowed',
        'purpose: only those handling the case add resolution evidence',
      );
    return requested ?? 'report';
  }
  return requested ?? (c.state === 'assigned' || c.state === 'in_progress' ? 'resolution' : 'other');
}

/**
 * The name shown and offered on download: the client's base name without control or path
 * characters, with the extension of the detected type (never the one claimed).
 */
export function safeName(name: string, ext: string): string {
  const base = name
    .replace(/^.*[\\/]/, '')
    .replace(/[\p{Cc}\p{Cf}"*:<>?|]/gu, '')
    .replace(/\.[^.]*$/, '')
    .trim()
    .slice(0, 120);
  return `${base || 'file'}.${ext}`;
}

export interface PresentedAttachment {
  id: string;
  fileName: string;
  mime: string;
  size: number;
  purpose: AttachmentPurpose;
  createdAt: string;
  createdBy: { id: string; name: string } | null;
  url: string;
}

/** Residents see who uploaded only for their own files (staff names stay hidden, as in the timeline). */
export function presentAttachment(a: AttachmentRow, view: CaseView, viewerId: string): PresentedAttachment {
  const showUploader = a.created_by !== null && (view === 'staff' || a.created_by === viewerId);
  return {
    id: a.id,
    fileName: a.file_name,
    mime: a.mime,
    size: Number(a.size),
    purpose: a.purpose,
    createdAt: a.created_at.toISOString(),
    createdBy: showUploader ? { id: a.created_by!, name: a.created_by_name ?? '' } : null,
    url: `/api/v1/cases/${a.case_id}/attachments/${a.id}`,
  };
}
