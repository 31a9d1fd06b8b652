import type { CategoryAttribute } from '@civitas/contracts/cases';
import type { RequestContext } from '../../../platform/auth/actor.js';
import { badRequest, conflict } from '../../../platform/errors/errors.js';
import type { CaseDetailRow } from '../cases.repository.js';

/** What intake checks before a case is taken in: the idempotency key's owner, a repeat, attributes. */
export interface SubmittedFacts {
  category: string;
  title: string;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
}

/** Thrown inside the intake transaction to roll it back when the idempotency key is taken. */
export class SourceTaken extends Error {}

/** The submitter an idempotency key belongs to when the channel names none (ADR 0020). */
export const submitterOf = (ctx: RequestContext): string =>
  ctx.actor ? `user:${ctx.actor.userId}` : 'system';

/**
 * A repeat must be the same submission: a key reused for a different case is a client bug that
 * would otherwise silently drop the new report (Stripe's idempotency keys answer the same way).
 */
export function sameSubmission(existing: CaseDetailRow, input: SubmittedFacts): CaseDetailRow {
  const same =
    existing.category_code === input.category &&
    existing.title === input.title &&
    existing.description === input.description &&
    existing.address === input.address &&
    existing.lat === input.lat &&
    existing.lng === input.lng;
  if (!same)
    throw conflict(
      'source_ref_reused',
      `sourceRef: you already sent case ${existing.ref} under this key with different content; use a new sourceRef for a new case`,
    );
  return existing;
}

/** Attributes must be the category's own, required ones present, list values among the allowed keys. */
export function checkAttributes(
  defs: CategoryAttribute[],
  given: Record<string, unknown>,
  systemKeys: readonly string[],
): void {
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const key of Object.keys(given)) {
    if (!byCode.has(key) && !systemKeys.includes(key))
      throw badRequest('unknown_attribute', `attributes.${key}: the category has no such attribute`);
  }
  for (const d of defs) {
    const v = given[d.code];
    if (v === undefined || v === '') {
      if (d.required)
        throw badRequest('attribute_required', `attributes.${d.code}: required for this category`);
      continue;
    }
    const allowed = d.values?.map((x) => x.key);
    const values = Array.isArray(v) ? v : [v];
    if (allowed && values.some((x) => !allowed.includes(String(x))))
      throw badRequest('bad_attribute', `attributes.${d.code}: must be one of ${allowed.join(', ')}`);
    if (d.datatype === 'number' && Number.isNaN(Number(v)))
      throw badRequest('bad_attribute', `attributes.${d.code}: must be a number`);
  }
}
