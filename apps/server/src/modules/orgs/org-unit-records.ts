import type { UnitRecordCount, UnitRecordKind } from '@civitas/contracts/org-lifecycle';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/**
 * A module that keeps records pointing at org units takes part in retiring and merging them
 * (ADR 0043). The orgs module never touches other modules' tables: each owner registers one of
 * these when it is created (it needs the orgs service anyway), and the orgs service calls every
 * holder inside its own transaction, so a merge moves all records or none.
 */
export interface UnitRecordHolder {
  /** The owning module, for logs and the audit detail. */
  readonly module: string;
  /** How many of its records point at the unit, per kind it owns (zeros included). */
  readonly count: (trx: Transaction<DB>, unitId: string) => Promise<UnitRecordCount[]>;
  /**
   * Repoints every record at `fromId` to `intoId` (the same type, the same parent), settling
   * what would clash (a grant held at both), and returns how many moved per kind.
   */
  readonly moveAll: (trx: Transaction<DB>, fromId: string, intoId: string) => Promise<UnitRecordCount[]>;
  /** Called after the merge committed: per-process caches of the moved records read afresh. */
  readonly afterCommit?: () => void;
}

/** The holders registered by the modules, called in registration order (the composition order). */
export class UnitRecordHolders {
  private readonly holders: UnitRecordHolder[] = [];

  register(holder: UnitRecordHolder): void {
    if (this.holders.some((h) => h.module === holder.module))
      throw new Error(`module ${holder.module} registered its unit records twice`);
    this.holders.push(holder);
  }

  async count(trx: Transaction<DB>, unitId: string): Promise<UnitRecordCount[]> {
    const out: UnitRecordCount[] = [];
    for (const h of this.holders) out.push(...(await h.count(trx, unitId)));
    return merged(out);
  }

  async moveAll(trx: Transaction<DB>, fromId: string, intoId: string): Promise<UnitRecordCount[]> {
    const out: UnitRecordCount[] = [];
    for (const h of this.holders) out.push(...(await h.moveAll(trx, fromId, intoId)));
    return merged(out);
  }

  committed(): void {
    for (const h of this.holders) h.afterCommit?.();
  }

  modules(): string[] {
    return this.holders.map((h) => h.module);
  }
}

/** One count per kind, summed if two holders report the same kind. */
function merged(counts: UnitRecordCount[]): UnitRecordCount[] {
  const by = new Map<UnitRecordKind, number>();
  for (const c of counts) by.set(c.kind, (by.get(c.kind) ?? 0) + c.count);
  return [...by].map(([kind, count]) => ({ kind, count }));
}
