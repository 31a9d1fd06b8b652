import { homeEndpoints } from '@civitas/contracts/endpoints/home';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { HomeService } from './home.service.js';

export function registerHomeRoutes(app: App, home: HomeService): void {
  // Anyone signed in has a home; each section inside is scoped by the permission it needs.
  route(app, homeEndpoints.overview, 'authenticated', (req) => home.overview(req.actor, req.query));
}
