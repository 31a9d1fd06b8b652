import type { Permission } from '@civitas/contracts/roles';
import { grantsFor } from '../../../platform/auth/access.js';
import type { Actor, Grant } from '../../../platform/auth/actor.js';

/**
 * Who may do what with one case. Staff reach a case through a grant over the unit where it is
 * located or over the unit that holds it; department staff only when the case is routed to their
 * department. Handling needs a grant over the holding unit: a grid worker whose case went up to
 * the community can still read it, but the community acts now. Supervision (督办) needs a grant
 * strictly above the holding unit.
 */
export interface CaseScope {
  unitPath: string;
  responsiblePath: string;
  responsibleDepartment: string | null;
  reporterId: string | null;
}

const departmentFits = (g: Grant, c: CaseScope) =>
  g.role !== 'department_staff' || (g.department !== null && g.department === c.responsibleDepartment);

function covering(actor: Actor, permission: Permission, paths: string[], c: CaseScope): Grant | undefined {
  return grantsFor(actor, permission).find(
    (g) => departmentFits(g, c) && paths.some((p) => p.startsWith(g.orgUnitPath)),
  );
}

export const readGrant = (actor: Actor, c: CaseScope) =>
  covering(actor, 'case.read', [c.unitPath, c.responsiblePath], c);

export const handleGrant = (actor: Actor, c: CaseScope) =>
  covering(actor, 'case.handle', [c.responsiblePath], c);

/**
 * Claiming (assigning oneself) is for those who work cases on the ground: a handling grant at the
 * holding unit or at most two levels above it (the community or the street covering a grid
 * without staff of its own), or a department grant the case is routed to. The district's command
 * centre dispatches: a commander claims only what the district itself holds (ADR 0046).
 */
const CLAIM_REACH = 2;
export const claimGrant = (actor: Actor, c: CaseScope) => {
  const depth = (p: string) => p.split('/').length;
  const reaches = (g: Grant) => {
    if (g.role === 'department_staff') return true;
    if (g.role === 'district_commander') return g.orgUnitPath === c.responsiblePath;
    return depth(c.responsiblePath) - depth(g.orgUnitPath) <= CLAIM_REACH;
  };
  return grantsFor(actor, 'case.handle').find(
    (g) => departmentFits(g, c) && c.responsiblePath.startsWith(g.orgUnitPath) && reaches(g),
  );
};

export const supervisorGrant = (actor: Actor, c: CaseScope) =>
  grantsFor(actor, 'case.supervise').find(
    (g) => c.responsiblePath.startsWith(g.orgUnitPath) && c.responsiblePath !== g.orgUnitPath,
  );

/**
 * Where a routing rule may send the cases of its area: the rule's author decides for cases as a
 * handler decides a transfer (case-handover.ts). The target is on the area's own line of the tree
 * (the area or a unit above it, like a transfer up the case's line) or inside the author's reach;
 * never into a sibling street's community. The web's rule form offers targets by the same rule.
 */
export const ruleTargetAllowed = (actor: Actor, areaPath: string, targetPath: string) =>
  areaPath.startsWith(targetPath) ||
  grantsFor(actor, 'case.configure').some((g) => targetPath.startsWith(g.orgUnitPath));

export const isReporter = (actor: Actor, c: CaseScope) =>
  c.reporterId !== null && c.reporterId === actor.userId;

/** The role that takes a case held by a unit of this type (escalation and routing fallback). */
export function handlerRoleFor(
  unitType: string,
): 'grid_worker' | 'community_admin' | 'street_officer' | 'district_commander' {
  switch (unitType) {
    case 'grid':
      return 'grid_worker';
    case 'community':
    case 'village':
      return 'community_admin';
    case 'street':
    case 'township':
      return 'street_officer';
    default:
      return 'district_commander';
  }
}
