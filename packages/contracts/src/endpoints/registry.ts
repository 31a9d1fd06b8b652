import { z } from 'zod';
import { idParams, page, pageQuery } from '../common.js';
import { defineEndpoint } from '../endpoint.js';
import {
  building,
  buildingListQuery,
  createBuilding,
  createResident,
  household,
  importJob,
  residentDuplicateGroup,
  residentListQuery,
  residentMasked,
  residentNameSearchRequest,
  residentSearchRequest,
  residentSearchResponse,
  revealRequest,
  revealResponse,
  updateResident,
} from '../registry.js';
import { importFileErrors, importFormFields, importHelperEndpoints } from '../imports.js';

const tags = ['residents'];
const btags = ['buildings'];

export const residentPage = page(residentMasked).extend({
  totalExact: z.boolean().describe('false when the count stopped at 10,000'),
});
export type ResidentPage = z.infer<typeof residentPage>;

const csvErrors = importFileErrors;
const residentWriteErrors = [
  'grid_not_found',
  'unit_retired',
  'grid_mismatch',
  'building_not_found',
  'place_required',
  'id_number_taken',
  'validation_failed',
] as const;

export const residentEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/residents',
    tags,
    query: residentListQuery,
    responses: { 200: residentPage },
    errors: ['identifier_in_query', 'not_found'],
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/residents/:id',
    tags,
    params: idParams,
    responses: { 200: residentMasked },
    errors: ['not_found'],
  }),
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/residents',
    tags,
    body: createResident,
    responses: { 201: residentMasked },
    errors: residentWriteErrors,
  }),
  update: defineEndpoint({
    method: 'PATCH',
    path: '/api/v1/residents/:id',
    tags,
    params: idParams,
    body: updateResident,
    responses: { 200: residentMasked },
    errors: [
      'not_found',
      'stale_version',
      'merge_target_not_found',
      'merge_into_self',
      ...residentWriteErrors,
    ],
  }),
  reveal: defineEndpoint({
    method: 'POST',
    path: '/api/v1/residents/:id/reveal',
    tags,
    summary: 'Show one personal field in clear (audited)',
    params: idParams,
    body: revealRequest,
    responses: { 200: revealResponse },
    errors: ['not_found'],
  }),
  import: defineEndpoint({
    method: 'POST',
    path: '/api/v1/residents/import',
    tags,
    summary:
      'Import residents from a CSV (UTF-8, GBK/GB18030, UTF-16) or xlsx file (multipart field "file"); poll the job',
    query: importFormFields,
    consumes: ['multipart/form-data'],
    responses: { 202: importJob },
    errors: csvErrors,
  }),
  ...importHelperEndpoints('/api/v1/residents', tags, 'resident register'),
  search: defineEndpoint({
    method: 'POST',
    path: '/api/v1/residents/search',
    tags,
    summary: 'Find residents by exact phone or ID number (a reveal: audited, limited per user)',
    description:
      'Needs resident.reveal on the units searched and a reason. Misses count too. Past the limit ' +
      '(IDENTIFIER_SEARCH_LIMIT per IDENTIFIER_SEARCH_WINDOW_MINUTES) the answer is 429 ' +
      '`identifier_search_limited` with Retry-After and `retryAfterSeconds`.',
    body: residentSearchRequest,
    responses: { 200: residentSearchResponse },
    errors: ['identifier_search_limited', 'not_found'],
  }),
  nameSearch: defineEndpoint({
    method: 'POST',
    path: '/api/v1/residents/name-search',
    tags,
    summary: 'Find residents by name (exact whole name, pinyin or initials; audited, limited per user)',
    description:
      'Needs resident.read on the units searched. Results are masked as in the list. Misses count ' +
      'too. Past the limit (NAME_SEARCH_LIMIT per NAME_SEARCH_WINDOW_MINUTES) the answer is 429 ' +
      '`name_search_limited` with Retry-After and `retryAfterSeconds`.',
    body: residentNameSearchRequest,
    responses: { 200: residentSearchResponse },
    errors: ['name_search_limited', 'not_found'],
  }),
  duplicates: defineEndpoint({
    method: 'GET',
    path: '/api/v1/residents/duplicates',
    tags,
    summary: 'ID numbers registered more than once, where you can see every record',
    query: pageQuery,
    responses: { 200: z.object({ items: z.array(residentDuplicateGroup) }) },
    errors: [],
  }),
};

export const buildingEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/buildings',
    tags: btags,
    query: buildingListQuery,
    responses: { 200: page(building) },
    errors: [],
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/buildings/:id',
    tags: btags,
    params: idParams,
    responses: { 200: building },
    errors: ['not_found'],
  }),
  households: defineEndpoint({
    method: 'GET',
    path: '/api/v1/buildings/:id/households',
    tags: btags,
    params: idParams,
    responses: { 200: z.object({ items: z.array(household) }) },
    errors: ['not_found'],
  }),
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/buildings',
    tags: btags,
    body: createBuilding,
    responses: { 201: building },
    errors: [
      'grid_not_found',
      'unit_retired',
      'location_outside_grid',
      'location_outside_units',
      'code_taken',
    ],
  }),
};

export const importEndpoints = {
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/imports/:id',
    tags: ['imports'],
    summary: 'Progress of an import you started',
    params: idParams,
    responses: { 200: importJob },
    errors: ['not_found'],
  }),
};
