import type { OrgUnit } from '@civitas/contracts/orgs';

/**
 * Keeps the units inside the user's grants (each grant's unit and everything below it) and orders
 * them depth-first, parents before children, so a flat list reads like the tree.
 */
export function scopeUnits(all: OrgUnit[], grantUnitIds: string[]): OrgUnit[] {
  const byId = new Map(all.map((u) => [u.id, u]));
  const grants = new Set(grantUnitIds);
  const inScope = (unit: OrgUnit): boolean => {
    for (let cur: OrgUnit | undefined = unit; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
      if (grants.has(cur.id)) return true;
    }
    return false;
  };
  const kept = all.filter(inScope);
  const keptIds = new Set(kept.map((u) => u.id));
  const children = new Map<string | null, OrgUnit[]>();
  for (const unit of kept) {
    const parent = unit.parentId && keptIds.has(unit.parentId) ? unit.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(unit);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  const ordered: OrgUnit[] = [];
  const visit = (parent: string | null) => {
    for (const unit of children.get(parent) ?? []) {
      ordered.push(unit);
      visit(unit.id);
    }
  };
  visit(null);
  return ordered;
}

/** Children lists keyed by parent id (null for the roots of the visible forest). */
export function childrenIndex(units: OrgUnit[]): Map<string | null, OrgUnit[]> {
  const ids = new Set(units.map((u) => u.id));
  const index = new Map<string | null, OrgUnit[]>();
  for (const unit of units) {
    const parent = unit.parentId && ids.has(unit.parentId) ? unit.parentId : null;
    const list = index.get(parent) ?? [];
    list.push(unit);
    index.set(parent, list);
  }
  return index;
}
