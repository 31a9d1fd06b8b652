import type { OrgUnit } from '@civitas/contracts/orgs';
import { rolePermissions, type RoleGrant } from '@civitas/contracts/roles';
import { scopeUnits } from '../../app/unit-scope';

/**
 * The units a routing rule may cover and send cases to, by the server's rule
 * (`ruleTargetAllowed` in apps/server/src/modules/cases/case-policy.ts): a rule covers units
 * under the author's case.configure grants, and sends their cases to the area or a unit above it,
 * or to a unit inside those grants. The form offers only these, so it never offers a refusal.
 */
export function ruleUnits(units: OrgUnit[], grants: RoleGrant[], areaId: string) {
  const configureIds = grants
    .filter((g) => rolePermissions[g.role].includes('case.configure'))
    .map((g) => g.orgUnitId);
  const areas = scopeUnits(units, configureIds);
  const reach = new Set(areas.map((u) => u.id));
  const byId = new Map(units.map((u) => [u.id, u]));
  const line = new Set<string>();
  for (let cur = byId.get(areaId); cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined)
    line.add(cur.id);
  return { areas, targets: units.filter((u) => reach.has(u.id) || line.has(u.id)) };
}
