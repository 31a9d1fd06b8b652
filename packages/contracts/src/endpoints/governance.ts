import { z } from 'zod';
import { auditEntry, auditQuery, auditVerifyResult } from '../audit.js';
import { defineEndpoint } from '../endpoint.js';
import { caseMetrics, caseMetricsQuery } from '../metrics.js';
import { notificationListQuery, notificationPage } from '../notifications.js';

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

export const notificationEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/notifications',
    tags: ['notifications'],
    summary: 'My notifications, newest first',
    query: notificationListQuery,
    responses: { 200: notificationPage },
    errors: [],
  }),
  markRead: defineEndpoint({
    method: 'POST',
    path: '/api/v1/notifications/:id/read',
    tags: ['notifications'],
    summary: 'Mark one of my notifications read',
    params: z.object({ id: z.uuid() }),
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  markAllRead: defineEndpoint({
    method: 'POST',
    path: '/api/v1/notifications/read-all',
    tags: ['notifications'],
    summary: 'Mark all my notifications read',
    responses: { 200: z.object({ marked: z.number().int() }) },
    errors: [],
  }),
};

export const metricsEndpoints = {
  cases: defineEndpoint({
    method: 'GET',
    path: '/api/v1/metrics/cases',
    tags: ['metrics'],
    summary:
      'Case center figures for a unit subtree and period: response and resolution times (median, p90), ' +
      'on-time and reopen rates, satisfaction; optionally per child unit, category or month',
    query: caseMetricsQuery,
    responses: { 200: caseMetrics },
    errors: ['unit_required', 'unit_not_found', 'bad_period', 'unknown_category', 'not_found'],
  }),
};

export const publicConfig = z.object({
  tileUrl: z.string().nullable(),
  tileAttribution: z.string().nullable(),
  demo: z.boolean(),
  version: z.string(),
  mapArea: z
    .object({
      bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      center: z.tuple([z.number(), z.number()]),
    })
    .nullable()
    .describe(
      'the installation area: bbox [west, south, east, north] and centre [lng, lat] (WGS 84), for centring maps; null before any boundary is drawn',
    ),
});
export type PublicConfig = z.infer<typeof publicConfig>;

export const systemEndpoints = {
  publicConfig: defineEndpoint({
    method: 'GET',
    path: '/api/v1/config/public',
    tags: ['system'],
    responses: { 200: publicConfig },
    errors: [],
  }),
};
