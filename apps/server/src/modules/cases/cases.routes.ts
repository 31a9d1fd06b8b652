import { type CaseState } from '@civitas/contracts/cases';
import { caseEndpoints as e } from '@civitas/contracts/endpoints/cases';
import type { Actor } from '../../platform/auth/actor.js';
import type { App } from '../../platform/http/http-server.js';
import { answer, route } from '../../platform/http/route.js';
import type { CaseActionsService } from './workflow/case-actions.service.js';
import type { CaseContacts } from './desk/case-contact.js';
import { systemTitle } from './case-titles.js';
import { presentCase, presentEvent, presentPublicCase } from './cases.presenter.js';
import type { CaseDetailRow } from './cases.repository.js';
import type { CaseService, CaseView } from './cases.service.js';

export function registerCaseRoutes(
  app: App,
  cases: CaseService,
  actions: CaseActionsService,
  contacts: CaseContacts,
): void {
  const present = (row: CaseDetailRow, view: CaseView, viewer: Actor) =>
    view === 'staff'
      ? { ...presentCase(row, cases.now(), viewer), view: 'staff' as const }
      : { ...presentPublicCase(row, viewer), view: 'public' as const };

  route(app, e.create, 'case.report', async (req, reply) => {
    const ctx = req.ctx;
    const { row, repeated } = await cases.create(
      ctx,
      req.body,
      contacts.intakeHook(req.body.channel, req.body.contact),
    );
    const view = (await cases.viewOf(req.actor, row)) ?? 'public';
    // The first answer needs no audit row (the intake's own is there); a repeat reads the case
    // as it is now, possibly changed by others.
    if (repeated) await cases.looked(ctx, row, { action: 'case.read', detail: { view, repeat: true } });
    return answer(reply, e.create, repeated ? 200 : 201, present(row, view, ctx.actor));
  });

  route(app, e.list, 'authenticated', async (req) => {
    const { rows, total, totalExact, view } = await cases.list(req.ctx, req.query);
    return {
      items: rows.map((r) => present(r, view, req.actor)),
      total,
      totalExact,
      limit: req.query.limit,
      offset: req.query.offset,
    };
  });

  route(app, e.nearby, 'case.report', async (req) => {
    const { view, items } = await cases.nearby(req.actor, req.query);
    if (view === 'staff')
      return {
        view,
        items: items.map(({ row, distanceM }) => ({
          id: row.id,
          ref: row.ref,
          title: row.title,
          systemTitle: systemTitle(row),
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
  });

  route(app, e.get, 'authenticated', async (req) => {
    const { row, view } = await cases.read(req.ctx, req.params.id);
    return present(row, view, req.actor);
  });

  route(app, e.timeline, 'authenticated', async (req) => {
    const { view, events } = await cases.timeline(req.ctx, req.params.id);
    return { items: events.map((ev) => presentEvent(ev, view, req.actor.userId)) };
  });

  route(app, e.act, 'authenticated', async (req) => {
    const row = await actions.act(req.ctx, req.params.id, req.body);
    return present(row, (await cases.viewOf(req.actor, row)) ?? 'public', req.actor);
  });
}
