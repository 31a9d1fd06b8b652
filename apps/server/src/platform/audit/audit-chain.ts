import { createHash, createHmac } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The entry from which every row is keyed. Written once per chain (at the first append after an
 * upgrade, or as entry 1 of a new chain); rows before it were hashed without a key (ADR 0022).
 */
export const KEYED_MARKER_ACTION = 'audit.chain_keyed';

/**
 * Written by a process whose chain key differs from the one the head was written with (after a
 * SECRET_KEY rotation, ADR 0042). It and the rows after it are keyed with the key it names
 * (`detail.keyId`); rows before it keep the key they were written with.
 */
export const REKEYED_MARKER_ACTION = 'audit.chain_rekeyed';

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

/**
 * hash_n = HMAC-SHA-256(K, hash_{n-1} ‖ canonical row_n) for keyed rows, and the plain
 * SHA-256 of the same bytes for rows written before the chain was keyed (`key` null). Without K,
 * whoever can write the database can recompute plain hashes but not keyed ones.
 */
export function chainHash(prevHash: string, f: ChainedFields, key: Buffer | null): string {
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
  const h = key ? createHmac('sha256', key) : createHash('sha256');
  return h.update(prevHash).update('\n').update(body).digest('hex');
}
