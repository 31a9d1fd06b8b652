import {
  caseAction,
  caseDetail,
  caseEvent,
  caseListQuery,
  createCase,
  type CaseState,
  nearbyQuery,
  nearbyResponse,
  publicCase,
} from '@civitas/contracts/cases';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { CaseActionsService } from './case-actions.service.js';
import type { CaseContacts } from './case-contact.js';
import { presentCase, presentEvent, presentPublicCase } from './cases.presenter.js';
import type { CaseDetailRow } from './cases.repository.js';
import type { CaseService, CaseView } from './cases.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['cases'];
/** Staff get the full case, residents the public view; `view` says which one came. */
const anyCase = z.union([
  caseDetail.extend({ view: z.literal('staff') }),
  publicCase.extend({ view: z.literal('public') }),
]);

export function registerCaseRoutes(
  app: App,
  cases: CaseService,
  actions: CaseActionsService,
  contacts: CaseContacts,
): void {
  const present = (row: CaseDetailRow, view: CaseView, viewerId: string) =>
    view === 'staff'
      ? { ...presentCase(row, cases.now()), view: 'staff' as const }
      : { ...presentPublicCase(row, viewerId), view: 'public' as const };

  app.post(
    '/api/v1/cases',
    {
      config: { access: 'case.report' },
      schema: {
        tags,
        summary: 'Report a case (residents) or enter one (hotline, walk-in, patrol, external API)',
        body: createCase,
        // 200: a repeat of your own sourceRef, answered with the case it made the first time.
        response: { 201: anyCase, 200: anyCase },
      },
    },
    async (req, reply) => {
      const ctx = { ...req.ctx, actor: req.actor! };
      const { row, repeated } = await cases.create(
        ctx,
        req.body,
        contacts.intakeHook(req.body.channel, req.body.contact),
      );
      const view = (await cases.viewOf(req.actor!, row)) ?? 'public';
      // The first answer needs no audit row (the intake's own is there); a repeat reads the case
      // as it is now, possibly changed by others.
      if (repeated) await cases.looked(ctx, row, { action: 'case.read', detail: { view, repeat: true } });
      return reply.status(repeated ? 200 : 201).send(present(row, view, ctx.actor.userId));
    },
  );

  app.get(
    '/api/v1/cases',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Staff: the case inbox of your units. Residents: the cases you reported or follow.',
        querystring: caseListQuery,
        response: {
          200: z.object({
            items: z.array(anyCase),
            total: z.number(),
            /** false: there are more than `total` (counting stops at 10,000). */
            totalExact: z.boolean(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { rows, total, totalExact, view } = await cases.list(
        { ...req.ctx, actor: req.actor! },
        req.query,
      );
      return {
        items: rows.map((r) => present(r, view, req.actor!.userId)),
        total,
        totalExact,
        limit: req.query.limit,
        offset: req.query.offset,
      };
    },
  );

  app.get(
    '/api/v1/cases/nearby',
    {
      config: { access: 'case.report' },
      schema: {
        tags,
        summary:
          'Open cases of a category near a point (duplicate check at intake). Staff: cases in their units, in full. Residents: every open case nearby, minimal (ref, category, state, distance to the public point in 10 m steps, date).',
        querystring: nearbyQuery,
        response: { 200: nearbyResponse },
      },
    },
    async (req) => {
      const { view, items } = await cases.nearby(req.actor!, req.query);
      if (view === 'staff')
        return {
          view,
          items: items.map(({ row, distanceM }) => ({
            id: row.id,
            ref: row.ref,
            title: row.title,
            state: row.state as CaseState,
            distanceM: Math.round(distanceM * 10) / 10,
            createdAt: row.created_at.toISOString(),
            version: row.version,
          })),
        };
      return {
        view,
        items: items.map(({ row, distanceM }) => ({
          ref: row.ref,
          category: {
            code: row.category_code,
            name: { 'zh-CN': row.category_name_zh, en: row.category_name_en },
          },
          state: row.state as CaseState,
          // To the case's public point, in 10 m steps (case-public-location.ts): repeated queries
          // from other points learn nothing finer than the case's H3 cell.
          distanceM,
          createdAt: row.created_at.toISOString().slice(0, 10),
        })),
      };
    },
  );

  app.get(
    '/api/v1/cases/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags, params: idParams, response: { 200: anyCase } },
    },
    async (req) => {
      const { row, view } = await cases.read({ ...req.ctx, actor: req.actor! }, req.params.id);
      return present(row, view, req.actor!.userId);
    },
  );

  app.get(
    '/api/v1/cases/:id/timeline',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Every event of the case; residents see public events without staff names',
        params: idParams,
        response: { 200: z.object({ items: z.array(caseEvent) }) },
      },
    },
    async (req) => {
      const { view, events } = await cases.timeline({ ...req.ctx, actor: req.actor! }, req.params.id);
      return { items: events.map((e) => presentEvent(e, view, req.actor!.userId)) };
    },
  );

  app.post(
    '/api/v1/cases/:id/actions',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Act on a case: accept, reject, assign, start, pause, resume, resolve, confirm, dispute, transfer, escalate, supervise, merge, comment. A stale version gets 409 with the current case.',
        params: idParams,
        body: caseAction,
        response: { 200: anyCase },
      },
    },
    async (req) => {
      const row = await actions.act({ ...req.ctx, actor: req.actor! }, req.params.id, req.body);
      return present(row, (await cases.viewOf(req.actor!, row)) ?? 'public', req.actor!.userId);
    },
  );
}
