import { pageQuery } from '@civitas/contracts/common';
import {
  identifierQueryParameters,
  residentDuplicateGroup,
  residentSearchRequest,
  residentSearchResponse,
} from '@civitas/contracts/registry';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { badRequest } from '../../platform/errors/errors.js';
import type { App } from '../../platform/http/http-server.js';
import type { IdentifierSearchService } from './identifier-search.service.js';
import type { ResidentDuplicatesService } from './resident-duplicates.service.js';

const SEARCH_PATH = '/api/v1/residents/search';

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
  s: { identifierSearch: IdentifierSearchService; residentDuplicates: ResidentDuplicatesService },
): void {
  const tags = ['residents'];
  app.post(
    SEARCH_PATH,
    {
      config: { access: 'resident.reveal' },
      schema: {
        tags,
        summary: 'Find residents by exact phone or ID number (a reveal: audited, limited per user)',
        description:
          'Needs resident.reveal on the units searched and a reason. Misses count too. Past the limit ' +
          '(IDENTIFIER_SEARCH_LIMIT per IDENTIFIER_SEARCH_WINDOW_MINUTES) the answer is 429 ' +
          '`identifier_search_limited` with Retry-After and `retryAfterSeconds`.',
        body: residentSearchRequest,
        response: { 200: residentSearchResponse },
      },
    },
    async (req) => s.identifierSearch.search({ ...req.ctx, actor: req.actor! }, req.body),
  );
  app.get(
    '/api/v1/residents/duplicates',
    {
      config: { access: 'resident.read' },
      schema: {
        tags,
        summary: 'ID numbers registered more than once, where you can see every record',
        querystring: pageQuery,
        response: { 200: z.object({ items: z.array(residentDuplicateGroup) }) },
      },
    },
    async (req) => ({
      items: await s.residentDuplicates.list(
        { ...req.ctx, actor: req.actor! },
        req.query.limit,
        req.query.offset,
      ),
    }),
  );
}
