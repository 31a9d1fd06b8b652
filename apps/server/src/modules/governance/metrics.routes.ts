import { caseMetrics, caseMetricsQuery } from '@civitas/contracts/metrics';
import type { App } from '../../platform/http/http-server.js';
import type { MetricsService } from './metrics.service.js';

const tags = ['metrics'];

export function registerMetricsRoutes(app: App, metrics: MetricsService): void {
  app.get(
    '/api/v1/metrics/cases',
    {
      config: { access: 'metrics.read' },
      schema: {
        tags,
        summary:
          'Case center figures for a unit subtree and period: response and resolution times (median, p90), ' +
          'on-time and reopen rates, satisfaction; optionally per child unit, category or month',
        querystring: caseMetricsQuery,
        response: { 200: caseMetrics },
      },
    },
    (req) => metrics.caseMetrics(req.actor!, req.query),
  );
}
