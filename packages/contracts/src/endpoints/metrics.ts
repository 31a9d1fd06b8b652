import { defineEndpoint } from '../endpoint.js';
import { caseMetrics, caseMetricsQuery } from '../metrics.js';

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
