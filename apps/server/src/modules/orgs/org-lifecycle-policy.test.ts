import { orgUnitActionsFor, retireBlockers, type UnitRecordCount } from '@civitas/contracts/org-lifecycle';
import { describe, expect, it } from 'vitest';

const none: UnitRecordCount[] = [];
const base = {
  status: 'active' as const,
  hasParent: true,
  writesUnit: true,
  writesParent: true,
  counts: none,
};

describe('what may be done to an org unit (the policy the server enforces and the web asks)', () => {
  it('lets a writer of the unit and its parent do everything to an empty active unit', () => {
    expect(orgUnitActionsFor(base)).toEqual({ edit: true, move: true, merge: true, retire: true });
  });

  it('keeps a retired unit as history: nothing', () => {
    expect(orgUnitActionsFor({ ...base, status: 'retired' })).toEqual({
      edit: false,
      move: false,
      merge: false,
      retire: false,
    });
  });

  it('needs the parent for a move or a merge, and a parent at all', () => {
    expect(orgUnitActionsFor({ ...base, writesParent: false })).toMatchObject({
      edit: true,
      move: false,
      merge: false,
    });
    expect(orgUnitActionsFor({ ...base, hasParent: false, writesParent: false })).toMatchObject({
      move: false,
      merge: false,
      retire: true,
    });
    expect(orgUnitActionsFor({ ...base, writesUnit: false })).toEqual({
      edit: false,
      move: false,
      merge: false,
      retire: false,
    });
  });

  it('refuses retirement while anything but closed cases points at the unit', () => {
    const counts: UnitRecordCount[] = [
      { kind: 'closedCases', count: 12 },
      { kind: 'devices', count: 0 },
    ];
    expect(retireBlockers(counts)).toEqual([]);
    expect(orgUnitActionsFor({ ...base, counts }).retire).toBe(true);
    const busy = [...counts, { kind: 'users' as const, count: 1 }];
    expect(retireBlockers(busy)).toEqual([{ kind: 'users', count: 1 }]);
    expect(orgUnitActionsFor({ ...base, counts: busy })).toMatchObject({ retire: false, merge: true });
  });
});
