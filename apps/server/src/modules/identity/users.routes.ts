import { createUser, userSummary } from '@civitas/contracts/auth';
import { pageQuery } from '@civitas/contracts/common';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import { presentUser } from './identity.presenter.js';
import type { UsersService } from './users.service.js';

const tags = ['users'];
const idParams = z.object({ id: z.uuid() });

export function registerUserRoutes(app: App, users: UsersService): void {
  app.get(
    '/api/v1/users',
    {
      config: { access: 'user.read' },
      schema: {
        tags,
        querystring: pageQuery,
        response: {
          200: z.object({
            items: z.array(userSummary),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { rows, total } = await users.list(req.actor!, req.query.limit, req.query.offset);
      return { items: rows.map((r) => presentUser(r.row, r.grants)), total, ...req.query };
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'user.write' },
      schema: { tags, body: createUser, response: { 201: z.object({ id: z.uuid() }) } },
    },
    async (req, reply) =>
      reply.status(201).send({ id: await users.create({ ...req.ctx, actor: req.actor! }, req.body) }),
  );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/api/v1/users/:id/${verb}`,
      { config: { access: 'user.write' }, schema: { tags, params: idParams } },
      async (req, reply) => {
        await users.setDisabled({ ...req.ctx, actor: req.actor! }, req.params.id, disabled);
        return reply.status(204).send();
      },
    );
  }
}
