import {
  caseCategory,
  categoryInput,
  categoryPatch,
  routingRule,
  routingRuleInput,
  routingRulePatch,
} from '@civitas/contracts/cases';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { CaseConfigService } from './case-config.service.js';
import { presentCategory } from './cases.presenter.js';

const idParams = z.object({ id: z.uuid() });

/** Categories (readable by every signed-in user: residents pick one) and routing rules. */
export function registerCaseConfigRoutes(app: App, config: CaseConfigService): void {
  const tags = ['case configuration'];
  app.get(
    '/api/v1/case-categories',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The case category tree, flat, in display order',
        response: { 200: z.object({ items: z.array(caseCategory) }) },
      },
    },
    async () => ({ items: (await config.categories()).map(presentCategory) }),
  );
  app.post(
    '/api/v1/case-categories',
    {
      config: { access: 'case.configure' },
      schema: { tags, body: categoryInput, response: { 201: caseCategory } },
    },
    async (req, reply) =>
      reply.status(201).send(await config.createCategory({ ...req.ctx, actor: req.actor! }, req.body)),
  );
  app.patch(
    '/api/v1/case-categories/:id',
    {
      config: { access: 'case.configure' },
      schema: { tags, params: idParams, body: categoryPatch, response: { 200: caseCategory } },
    },
    async (req) => config.updateCategory({ ...req.ctx, actor: req.actor! }, req.params.id, req.body),
  );

  app.get(
    '/api/v1/routing-rules',
    {
      config: { access: 'case.configure' },
      schema: {
        tags,
        summary: 'Routing rules in your units',
        response: { 200: z.object({ items: z.array(routingRule) }) },
      },
    },
    async (req) => ({ items: await config.rules(req.actor!) }),
  );
  app.post(
    '/api/v1/routing-rules',
    {
      config: { access: 'case.configure' },
      schema: { tags, body: routingRuleInput, response: { 201: routingRule } },
    },
    async (req, reply) =>
      reply.status(201).send(await config.createRule({ ...req.ctx, actor: req.actor! }, req.body)),
  );
  app.patch(
    '/api/v1/routing-rules/:id',
    {
      config: { access: 'case.configure' },
      schema: { tags, params: idParams, body: routingRulePatch, response: { 200: routingRule } },
    },
    async (req) => config.updateRule({ ...req.ctx, actor: req.actor! }, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/routing-rules/:id',
    { config: { access: 'case.configure' }, schema: { tags, params: idParams } },
    async (req, reply) => {
      await config.deleteRule({ ...req.ctx, actor: req.actor! }, req.params.id);
      return reply.status(204).send();
    },
  );
}
