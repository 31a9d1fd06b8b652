import { deviceEndpoints as e } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentProfile } from './devices.presenter.js';
import type { ProfilesService } from './profiles.service.js';

/**
 * Device profiles. Reading takes `device.read`; writing takes `device.write` here and, in the
 * service, a grant on a root unit (profile-policy.ts): profiles are installation-wide.
 */
export function registerProfileRoutes(app: App, profiles: ProfilesService): void {
  route(app, e.profiles, 'device.read', (req) => profiles.list(req.actor));

  route(app, e.profileExport, 'device.read', (req) => profiles.exportFile(req.query.builtin === 'true'));

  route(app, e.profileGet, 'device.read', async (req) => presentProfile(await profiles.get(req.params.id)));

  route(app, e.profileCreate, 'device.write', (req) => profiles.create(req.ctx, req.body));

  route(app, e.profileUpdate, 'device.write', (req) => profiles.update(req.ctx, req.params.id, req.body));

  route(app, e.profileRetire, 'device.write', (req) => profiles.retire(req.ctx, req.params.id));

  route(app, e.profileRemove, 'device.write', async (req) => {
    await profiles.remove(req.ctx, req.params.id);
  });

  route(app, e.profileCopy, 'device.write', (req) =>
    profiles.copy(req.ctx, req.params.id, req.body.code, req.body.name),
  );

  route(app, e.profileImport, 'device.write', (req) =>
    profiles.importFile(req.ctx, req.body.profiles, req.query.dryRun),
  );
}
