import { residentEndpoints as e } from '@civitas/contracts/endpoints/registry';
import { identifierQueryParameters } from '@civitas/contracts/registry';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../../platform/errors/errors.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { IdentifierSearchService } from './identifier-search.service.js';
import type { NameSearchService } from './name-search.service.js';
import type { ResidentDuplicatesService } from './resident-duplicates.service.js';

const SEARCH_PATH = e.search.path;

/**
 * preValidation of the resident list: a phone or ID number in the query string is refused before
 * anything runs, naming the search that replaced it, so an old client learns why. URLs end up in
 * access logs, browser history and proxies; identifiers go in a POST body instead (ADR 0021).
 */
export async function refuseIdentifiersInQuery(req: FastifyRequest): Promise<void> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const given = identifierQueryParameters.filter((k) => k in query);
  if (given.length === 0) return;
  const message = `not accepted in a URL; search with POST ${SEARCH_PATH} and {"field","value","reason"} in the body`;
  throw badRequest(
    'identifier_in_query',
    `${given.join(', ')}: ${message}`,
    given.map((k) => ({ path: `querystring.${k}`, message })),
  );
}

export function registerResidentSearchRoutes(
  app: App,
  s: {
    identifierSearch: IdentifierSearchService;
    nameSearch: NameSearchService;
    residentDuplicates: ResidentDuplicatesService;
  },
): void {
  route(app, e.search, 'resident.reveal', (req) => s.identifierSearch.search(req.ctx, req.body));
  route(app, e.nameSearch, 'resident.read', (req) => s.nameSearch.search(req.ctx, req.body));
  route(app, e.duplicates, 'resident.read', async (req) => ({
    items: await s.residentDuplicates.list(req.ctx, req.query.limit, req.query.offset),
  }));
}
