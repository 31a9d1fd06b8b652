import { z } from 'zod';
import { idParams } from '../common.js';
import { defineEndpoint } from '../endpoint.js';
import {
  apiKeySummary,
  createApiKey,
  open311RequestInfo,
  revealContact,
  submitterContact,
} from '../open311.js';

const tags = ['open311'];

/** The staff side of Open311 (the GeoReport v2 API itself, at /open311, follows its own spec). */
export const open311AdminEndpoints = {
  createKey: defineEndpoint({
    method: 'POST',
    path: '/api/v1/open311-keys',
    tags,
    summary: 'Issue an Open311 api_key to an integrator; the key is shown only in this response',
    body: createApiKey,
    responses: { 201: apiKeySummary.extend({ key: z.string() }) },
    errors: ['unit_not_found', 'unit_retired'],
  }),
  keys: defineEndpoint({
    method: 'GET',
    path: '/api/v1/open311-keys',
    tags,
    summary: 'Open311 api_keys of the units you configure',
    responses: { 200: z.object({ items: z.array(apiKeySummary) }) },
    errors: [],
  }),
  revokeKey: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/open311-keys/:id',
    tags,
    summary: 'Revoke an Open311 api_key',
    params: idParams,
    responses: { 200: apiKeySummary },
    errors: ['not_found'],
  }),
  requestInfo: defineEndpoint({
    method: 'GET',
    path: '/api/v1/open311-requests/:id',
    tags,
    summary: 'Staff: the integrator and masked contact of a case that came in through Open311',
    params: idParams,
    responses: { 200: open311RequestInfo },
    errors: ['not_found'],
  }),
  revealContact: defineEndpoint({
    method: 'POST',
    path: '/api/v1/open311-requests/:id/reveal',
    tags,
    summary: "Staff: the submitter's full contact, with a reason; the look is audited first",
    params: idParams,
    body: revealContact,
    responses: { 200: submitterContact },
    errors: ['not_found'],
  }),
};
