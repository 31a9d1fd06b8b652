import { rolePermissions } from '@civitas/contracts/roles';
import { useAuth } from '../../app/auth-context';
import { useUnits } from '../../app/unit-context';

/**
 * Whether the user may reveal (and so search by identifier) in `unitId`: a grant whose role holds
 * `resident.reveal` on the unit or above it. The same rule the server applies (a grant covers its
 * unit's subtree), from the same role table, so the page never offers a search the server refuses.
 */
export function useRevealCovers(unitId: string | null): boolean {
  const { state } = useAuth();
  const { unitsById } = useUnits();
  if (state.status !== 'signed-in') return false;
  const revealUnits = new Set(
    state.me.grants
      .filter((g) => rolePermissions[g.role].includes('resident.reveal'))
      .map((g) => g.orgUnitId),
  );
  if (revealUnits.size === 0) return false;
  if (unitId === null) return true;
  for (
    let unit = unitsById.get(unitId);
    unit;
    unit = unit.parentId ? unitsById.get(unit.parentId) : undefined
  ) {
    if (revealUnits.has(unit.id)) return true;
  }
  return false;
}
