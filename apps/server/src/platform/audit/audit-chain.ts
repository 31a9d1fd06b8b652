import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  actorUnitId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetUnitId: string | null;
  requestId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

/** JSON with object keys sorted at every level: jsonb reorders keys, so order must not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** hash_n = SHA-256(hash_{n-1} ‖ canonical row_n). */
export function chainHash(prevHash: string, f: ChainedFields): string {
  const body = canonicalJson([
    f.seq,
    f.at.toISOString(),
    f.actorId,
    f.actorName,
    f.actorRole,
    f.actorUnitId,
    f.action,
    f.targetType,
    f.targetId,
    f.targetUnitId,
    f.requestId,
    f.ip,
    f.detail,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
