import { metricsEndpoints } from '@civitas/contracts/endpoints/metrics';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { MetricsService } from './metrics.service.js';

export function registerMetricsRoutes(app: App, metrics: MetricsService): void {
  route(app, metricsEndpoints.cases, 'metrics.read', (req) => metrics.caseMetrics(req.actor, req.query));
}
