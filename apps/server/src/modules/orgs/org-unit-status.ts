import { conflict } from '../../platform/errors/errors.js';
import type { OrgUnitRow } from './orgs.tables.js';

/** A retired unit (ADR 0043) is history: no edits, no moves, no children, no new records. */
export function assertActive(unit: OrgUnitRow): void {
  if (unit.status === 'retired')
    throw conflict(
      'unit_retired',
      `${unit.type} ${unit.code} is retired and takes no changes or new records`,
    );
}
