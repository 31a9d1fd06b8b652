import { z } from 'zod';
import { auditEntry, auditQuery, auditVerifyResult } from '../audit.js';
import { defineEndpoint } from '../endpoint.js';

export const auditPage = z.object({ items: z.array(auditEntry), nextBeforeSeq: z.number().nullable() });
export type AuditPage = z.infer<typeof auditPage>;

export const auditEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/audit',
    tags: ['audit'],
    summary: 'Query the audit log, newest first',
    query: auditQuery,
    responses: { 200: auditPage },
    errors: [],
  }),
  verify: defineEndpoint({
    method: 'GET',
    path: '/api/v1/audit/verify',
    tags: ['audit'],
    summary:
      'Recompute the keyed hash chain, compare it with the signed checkpoints kept outside the database, and report the first broken row',
    responses: { 200: auditVerifyResult },
    errors: [],
  }),
};
