import { z } from 'zod';
import { auditEntry, auditExportQuery, auditQuery, auditVerifyResult } from '../audit.js';
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
  export: defineEndpoint({
    method: 'GET',
    path: '/api/v1/audit/export',
    tags: ['audit'],
    summary:
      'The filtered audit log as CSV (UTF-8 with BOM, newest first, at most 10,000 entries), scoped like the list; the export is itself audited',
    query: auditExportQuery,
    responses: { 200: 'file' },
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
