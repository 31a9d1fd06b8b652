import { z } from 'zod';
import { idParams, latLngQuery, page } from '../common.js';
import { defineEndpoint } from '../endpoint.js';
import { createOrgUnit, moveOrgUnit, orgUnit, orgUnitListQuery, updateOrgUnit } from '../orgs.js';

const tags = ['org units'];

export const orgEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/org-units',
    tags,
    summary: 'Units the caller may see, optionally filtered',
    query: orgUnitListQuery,
    responses: { 200: page(orgUnit) },
    errors: [],
  }),
  containing: defineEndpoint({
    method: 'GET',
    path: '/api/v1/org-units/containing',
    tags,
    summary: 'Units whose boundary contains the point, district first',
    query: latLngQuery,
    responses: { 200: z.object({ items: z.array(orgUnit) }) },
    errors: [],
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/org-units/:id',
    tags,
    params: idParams,
    responses: { 200: orgUnit },
    errors: ['not_found'],
  }),
  subtree: defineEndpoint({
    method: 'GET',
    path: '/api/v1/org-units/:id/subtree',
    tags,
    summary: 'The unit and all units below it',
    params: idParams,
    responses: { 200: z.object({ items: z.array(orgUnit) }) },
    errors: ['not_found'],
  }),
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/org-units',
    tags,
    body: createOrgUnit,
    responses: { 201: orgUnit },
    errors: [
      'parent_not_found',
      'bad_unit_type',
      'code_taken',
      'boundary_invalid',
      'boundary_outside_parent',
      'boundary_overlaps_sibling',
    ],
  }),
  update: defineEndpoint({
    method: 'PATCH',
    path: '/api/v1/org-units/:id',
    tags,
    params: idParams,
    body: updateOrgUnit,
    responses: { 200: orgUnit },
    errors: [
      'not_found',
      'stale_version',
      'code_taken',
      'boundary_invalid',
      'boundary_outside_parent',
      'boundary_overlaps_sibling',
    ],
  }),
  move: defineEndpoint({
    method: 'POST',
    path: '/api/v1/org-units/:id/move',
    tags,
    params: idParams,
    body: moveOrgUnit,
    responses: { 200: orgUnit },
    errors: [
      'not_found',
      'parent_not_found',
      'move_into_own_subtree',
      'bad_unit_type',
      'stale_version',
      'boundary_outside_parent',
      'boundary_overlaps_sibling',
    ],
  }),
};
