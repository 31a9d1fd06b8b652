import { residentMasked, type Building, type ResidentMasked } from '@civitas/contracts/registry';
import { z } from 'zod';
import { compiledResponseSerializer } from '../../platform/http/response-serializer.js';
import type { BuildingWithGrid } from './buildings.repository.js';
import type { ResidentPage } from './resident-page-cache.js';
import { maskBirthDate } from '../../platform/privacy/masking.js';
import type { ResidentListRow } from './residents.repository.js';

/** Every masked view of a resident (list, detail, search, page cache) is this one presentation. */
export function presentResident(r: ResidentListRow): ResidentMasked {
  return {
    id: r.id,
    name: r.name_mask,
    phone: r.phone_mask,
    idNumber: r.id_number_mask,
    birthDate: r.birth_date === null ? null : maskBirthDate(r.birth_date),
    gender: r.gender as ResidentMasked['gender'],
    flags: {
      elderlyLivingAlone: r.elderly_living_alone,
      disability: r.disability,
      child: r.child,
      needsAssistance: r.needs_assistance,
    },
    householdId: r.household_id,
    buildingId: r.building_id,
    buildingName: r.building_name,
    gridId: r.org_unit_id,
    gridCode: r.grid_code,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

export function presentBuilding(b: BuildingWithGrid): Building {
  return {
    id: b.id,
    code: b.code,
    name: b.name,
    address: b.address,
    gridId: b.grid_id,
    gridCode: b.grid_code,
    location: { type: 'Point', coordinates: [b.lng, b.lat] },
    floors: b.floors,
    createdAt: b.created_at.toISOString(),
  };
}

// Written by fast-json-stringify from the contract's schema: only declared fields, as for the
// detail route's compiled serializer.
const itemsWriter = compiledResponseSerializer({ schema: z.array(residentMasked) });

/** The items of a list page as JSON, kept by ResidentPageCache. */
export const writeItems = (items: ResidentMasked[]): string => itemsWriter(items);

/**
 * The list response body around items already written as JSON (the `page` schema of the route);
 * the other members are integers and a boolean, written as they are.
 */
export function writeResidentPage(p: {
  page: ResidentPage;
  total: number;
  totalExact: boolean;
  limit: number;
  offset: number;
}): string {
  return `{"items":${p.page.itemsJson},"total":${p.total},"totalExact":${p.totalExact},"limit":${p.limit},"offset":${p.offset}}`;
}
