import { z } from 'zod';
import { AUDIT_FAMILY_NAMES } from './audit-vocabulary.js';
import { localizedName } from './common.js';

export const auditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  actorUnitId: z.uuid().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetUnitId: z.uuid().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
  /** The actor's display name today (the row keeps the user name of the moment). */
  actorDisplayName: z.string().nullable(),
  actorUnitName: localizedName.nullable(),
  targetUnitName: localizedName.nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** The filters of the list and of the CSV export alike. */
export const auditFilter = z.object({
  actorId: z.uuid().optional(),
  /** Part of the actor's user name or display name, any case. */
  actor: z.string().trim().max(100).optional(),
  action: z.string().max(100).optional(),
  family: z.enum(AUDIT_FAMILY_NAMES).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilter = z.infer<typeof auditFilter>;

export const auditQuery = auditFilter.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  beforeSeq: z.coerce.number().int().optional().describe('cursor: entries older than this sequence number'),
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** At most this many entries go into one export; a longer period is exported in parts. */
export const AUDIT_EXPORT_MAX = 10_000;
export const auditExportQuery = auditFilter.extend({ lang: z.enum(['zh-CN', 'en']).default('zh-CN') });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

/** Why a verification failed; the web shows each in the user's language. */
export const auditVerifyProblem = z.enum([
  'row_missing',
  'link_broken',
  'content_mismatch',
  'tail_removed',
  'checkpoint_mismatch',
  'checkpoint_ahead',
  'checkpoint_forged',
  'marker_moved',
]);
export type AuditVerifyProblem = z.infer<typeof auditVerifyProblem>;

export const auditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBadSeq: z.number().int().nullable(),
  /** English, for logs and integrators; `problem` is the stable code. */
  reason: z.string().nullable(),
  problem: auditVerifyProblem.nullable(),
  /** Entry from which every row is HMAC-keyed (the marker); null while only unkeyed rows exist. */
  keyedFrom: z.number().int().nullable(),
  /** Signed checkpoints found outside the database (AUDIT_CHECKPOINT_DIR) and how they compare. */
  checkpoints: z.object({
    total: z.number().int(),
    matched: z.number().int(),
    /** Lines that are not JSON (e.g. a write cut short by a full disk): ignored, but shown. */
    unreadable: z.number().int(),
    latestSeq: z.number().int().nullable(),
    latestAt: z.string().nullable(),
  }),
});
export type AuditVerifyResult = z.infer<typeof auditVerifyResult>;
