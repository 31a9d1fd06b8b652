import { latLngQuery } from '@civitas/contracts/common';
import {
  createOrgUnit,
  moveOrgUnit,
  orgUnit,
  orgUnitListQuery,
  updateOrgUnit,
} from '@civitas/contracts/org-units';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import { presentOrgUnit } from './orgs.presenter.js';
import type { OrgsService } from './orgs.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['org units'];

export function registerOrgRoutes(app: App, orgs: OrgsService): void {
  app.get(
    '/api/v1/org-units',
    {
      config: { access: 'org.read' },
      schema: {
        tags,
        summary: 'Units the caller may see, optionally filtered',
        querystring: orgUnitListQuery,
        response: {
          200: z.object({
            items: z.array(orgUnit),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { rows, total } = await orgs.list(req.actor!, req.query);
      return { items: rows.map(presentOrgUnit), total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get(
    '/api/v1/org-units/containing',
    {
      // Administrative boundaries are public facts; any signed-in user (a resident reporting a
      // problem, say) may ask which units contain a point.
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Units whose boundary contains the point, district first',
        querystring: latLngQuery,
        response: { 200: z.object({ items: z.array(orgUnit) }) },
      },
    },
    async (req) => ({ items: (await orgs.containing(req.query.lat, req.query.lng)).map(presentOrgUnit) }),
  );

  app.get(
    '/api/v1/org-units/:id',
    { config: { access: 'org.read' }, schema: { tags, params: idParams, response: { 200: orgUnit } } },
    async (req) => presentOrgUnit(await orgs.get(req.actor!, req.params.id)),
  );

  app.get(
    '/api/v1/org-units/:id/subtree',
    {
      config: { access: 'org.read' },
      schema: {
        tags,
        summary: 'The unit and all units below it',
        params: idParams,
        response: { 200: z.object({ items: z.array(orgUnit) }) },
      },
    },
    async (req) => ({ items: (await orgs.subtree(req.actor!, req.params.id)).map(presentOrgUnit) }),
  );

  app.post(
    '/api/v1/org-units',
    { config: { access: 'org.write' }, schema: { tags, body: createOrgUnit, response: { 201: orgUnit } } },
    async (req, reply) =>
      reply.status(201).send(presentOrgUnit(await orgs.create({ ...req.ctx, actor: req.actor! }, req.body))),
  );

  app.patch(
    '/api/v1/org-units/:id',
    {
      config: { access: 'org.write' },
      schema: { tags, params: idParams, body: updateOrgUnit, response: { 200: orgUnit } },
    },
    async (req) =>
      presentOrgUnit(await orgs.update({ ...req.ctx, actor: req.actor! }, req.params.id, req.body)),
  );

  app.post(
    '/api/v1/org-units/:id/move',
    {
      config: { access: 'org.write' },
      schema: { tags, params: idParams, body: moveOrgUnit, response: { 200: orgUnit } },
    },
    async (req) =>
      presentOrgUnit(
        await orgs.move(
          { ...req.ctx, actor: req.actor! },
          req.params.id,
          req.body.newParentId,
          req.body.version,
        ),
      ),
  );
}
