import { caseConfigEndpoints as e } from '@civitas/contracts/endpoints/cases';
import type { App } from '../../../platform/http/http-server.js';
import { route } from '../../../platform/http/route.js';
import type { CaseConfigService } from './case-config.service.js';
import { presentCategory } from '../cases.presenter.js';

/** Categories (readable by every signed-in user: residents pick one) and routing rules. */
export function registerCaseConfigRoutes(app: App, config: CaseConfigService): void {
  route(app, e.categories, 'authenticated', async () => ({
    items: (await config.categories()).map(presentCategory),
  }));
  route(app, e.createCategory, 'case.configure', (req) => config.createCategory(req.ctx, req.body));
  route(app, e.updateCategory, 'case.configure', (req) =>
    config.updateCategory(req.ctx, req.params.id, req.body),
  );
  route(app, e.rules, 'case.configure', async (req) => ({ items: await config.rules(req.actor) }));
  route(app, e.createRule, 'case.configure', (req) => config.createRule(req.ctx, req.body));
  route(app, e.updateRule, 'case.configure', (req) => config.updateRule(req.ctx, req.params.id, req.body));
  route(app, e.deleteRule, 'case.configure', async (req) => {
    await config.deleteRule(req.ctx, req.params.id);
  });
}
