import type { AuditVerifyProblem, AuditVerifyResult } from '@civitas/contracts/audit';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema.js';
import {
  chainHash,
  GENESIS_HASH,
  KEYED_MARKER_ACTION,
  REKEYED_MARKER_ACTION,
  type ChainedFields,
} from './audit-chain.js';
import type { CheckpointReading, CheckpointStore } from './audit-checkpoints.js';
import type { AuditKeys } from './audit-keys.js';

const PAGE = 5000;

/**
 * Walks the chain from the start, recomputing every hash: plain SHA-256 before the marker entry,
 * HMAC with the chain key from it on. Detects an edited row, a removed row, a truncated tail
 * (head mismatch), and, with the signed checkpoints kept outside the database, a history that
 * was rewritten or cut back and re-hashed consistently: a checkpoint's (seq, hash) must still be
 * in the chain, no checkpoint may lie beyond the head, and the marker must be where they saw it.
 *
 * After a SECRET_KEY rotation (ADR 0042) the key changes at each `audit.chain_rekeyed` entry, to
 * the one it names; `earlier` holds the chain keys of previous SECRET_KEYs (ring and archive).
 */
export async function verifyChain(
  db: Kysely<DB>,
  keys: AuditKeys,
  store: CheckpointStore | null,
  earlier: readonly AuditKeys[] = [],
): Promise<AuditVerifyResult> {
  const ring = new Map<string, AuditKeys>(earlier.map((k) => [k.chainKeyId, k]));
  ring.set(keys.chainKeyId, keys);
  const reading: CheckpointReading = store
    ? await store.read(earlier.map((k) => k.checkpoint))
    : { valid: [], forged: 0, unreadable: 0 };
  const bySeq = new Map<number, { hashes: Set<string>; n: number }>();
  let latest: { seq: number; at: string } | null = null;
  for (const cp of reading.valid) {
    const at = bySeq.get(cp.seq) ?? { hashes: new Set<string>(), n: 0 };
    at.hashes.add(cp.hash);
    at.n++;
    bySeq.set(cp.seq, at);
    if (!latest || cp.seq > latest.seq || (cp.seq === latest.seq && cp.at > latest.at))
      latest = { seq: cp.seq, at: cp.at };
  }
  const claimedMarkers = new Set(reading.valid.flatMap((c) => (c.keyedFrom === null ? [] : [c.keyedFrom])));
  const marker = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.min<string | number | null>('seq').as('seq'))
    .where('action', '=', KEYED_MARKER_ACTION)
    .executeTakeFirst();
  const keyedFrom = marker?.seq === null || marker?.seq === undefined ? null : Number(marker.seq);

  let checked = 0;
  const empty = bySeq.get(0);
  let matched = empty?.hashes.size === 1 && empty.hashes.has(GENESIS_HASH) ? empty.n : 0;
  const result = (problem: AuditVerifyProblem | null, seq: number | null, reason: string | null) => ({
    ok: problem === null,
    checked,
    firstBadSeq: seq,
    reason,
    problem,
    keyedFrom,
    checkpoints: {
      total: reading.valid.length,
      matched,
      unreadable: reading.unreadable,
      latestSeq: latest?.seq ?? null,
      latestAt: latest?.at ?? null,
    },
  });

  // A checkpoint saw keying start at entry M: a chain whose marker vanished or moved was rewritten.
  for (const m of claimedMarkers) {
    if (claimedMarkers.size > 1 || m !== keyedFrom)
      return result('marker_moved', m, `a checkpoint saw keying start at entry ${m}; it is not there now`);
  }

  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  // Chains keyed before key ids were recorded have a marker without one: the current key.
  let active: Buffer | null = null;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      if (r.seq !== expectedSeq) return result('row_missing', expectedSeq, 'row missing');
      if (r.prev_hash !== prev) return result('link_broken', r.seq, 'link to the previous row is broken');
      if ((r.seq === keyedFrom && r.action === KEYED_MARKER_ACTION) || r.action === REKEYED_MARKER_ACTION) {
        const named = (r.detail as { keyId?: unknown }).keyId;
        const k = typeof named === 'string' ? ring.get(named) : keys;
        if (!k)
          return result(
            'content_mismatch',
            r.seq,
            `entry ${r.seq} is keyed with key ${String(named)}, which neither SECRET_KEY, ` +
              'SECRET_KEY_PREVIOUS nor the key archive holds',
          );
        active = k.chain;
      }
      const key = keyedFrom !== null && r.seq >= keyedFrom ? active : null;
      const recomputed = chainHash(prev, rowFields(r), key);
      if (recomputed !== r.hash)
        return result('content_mismatch', r.seq, 'row content does not match its hash');
      const seen = bySeq.get(r.seq);
      if (seen) {
        if (seen.hashes.size > 1 || !seen.hashes.has(r.hash))
          return result(
            'checkpoint_mismatch',
            r.seq,
            'a signed checkpoint recorded another hash for this row',
          );
        matched += seen.n;
      }
      prev = r.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < PAGE) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
  if (Number(head.seq) !== checked || head.hash !== prev)
    return result('tail_removed', checked + 1, 'rows after the last verified one were removed');
  if (latest && latest.seq > checked)
    return result(
      'checkpoint_ahead',
      checked + 1,
      `a signed checkpoint saw entry ${latest.seq}; the chain now ends at ${checked}`,
    );
  if (reading.forged > 0)
    return result('checkpoint_forged', null, `${reading.forged} checkpoint line(s) carry no valid signature`);
  return result(null, null, null);
}

/** The hashed fields of a stored row. */
export function rowFields(r: Selectable<AuditLogTable>): ChainedFields {
  return {
    seq: r.seq,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    actorUnitId: r.actor_unit_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    targetUnitId: r.target_unit_id,
    requestId: r.request_id,
    ip: r.ip,
    detail: r.detail,
  };
}
