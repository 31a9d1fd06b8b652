import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { OrgUnit, OrgUnitType } from '@civitas/contracts/orgs';
import type { OrgUnitRow } from './orgs.tables.js';

export function presentOrgUnit(r: OrgUnitRow): OrgUnit {
  return {
    id: r.id,
    code: r.code,
    type: r.type as OrgUnitType,
    name: { 'zh-CN': r.name_zh, en: r.name_en },
    parentId: r.parent_id,
    depth: r.depth,
    boundary: (r.boundary as BoundaryGeometry | null) ?? null,
    status: r.status === 'retired' ? 'retired' : 'active',
    retiredAt: r.retired_at ? r.retired_at.toISOString() : null,
    mergedIntoId: r.merged_into_id,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
