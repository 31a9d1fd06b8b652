import { z } from 'zod';

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
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditQuery = z.object({
  actorId: z.uuid().optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  beforeSeq: z.coerce.number().int().optional().describe('cursor: entries older than this sequence number'),
});
export type AuditQuery = z.infer<typeof auditQuery>;

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
