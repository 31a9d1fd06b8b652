import { defineModule } from '../../platform/module/module.js';
import { identityUnitRecords } from './identity-unit-records.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { registerAuthRoutes } from './auth.routes.js';
import { AuthService } from './auth.service.js';
import { IdentityRepository } from './identity.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { StaffDirectory } from './staff-directory.js';
import { registerUserRoutes } from './users.routes.js';
import { UsersService } from './users.service.js';

const MINUTE = 60_000;

/** Who someone is and what they may do: users, role grants, sessions, API tokens, two-factor. */
export const identityModule = defineModule<{ orgs: OrgsService }>()({
  name: 'identity',
  needs: { orgs: true },
  tables: ['users', 'role_grants', 'sessions', 'api_tokens'],
  reads: ['org_units'],
  publishes: [],
  subscribes: [],
  create: (host, { orgs }) => {
    const { config } = host;
    orgs.unitRecords.register(identityUnitRecords);
    const repo = new IdentityRepository(host.db);
    const throttle = new LoginThrottle(host.rateCounter, host.audit, {
      maxFailures: config.LOGIN_MAX_FAILURES,
      sourceMaxFailures: config.LOGIN_SOURCE_MAX_FAILURES,
      accountMaxFailures: config.LOGIN_ACCOUNT_MAX_FAILURES,
    });
    return {
      auth: new AuthService(repo, host.audit, host.cipher, throttle, {
        sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
        sessionMaxHours: config.SESSION_MAX_HOURS,
        requireAdminMfa: config.REQUIRE_ADMIN_MFA && !config.demo,
      }),
      users: new UsersService(host.db, repo, orgs, host.audit),
      staffDirectory: new StaffDirectory(host.db),
    };
  },
  routes: (app, s, host) => {
    registerAuthRoutes(app, s.auth, {
      secure: host.config.COOKIE_SECURE,
      maxAgeSeconds: host.config.SESSION_MAX_HOURS * 3600,
    });
    registerUserRoutes(app, s.users);
  },
  // Expired and idle sessions; authentication already ignores them.
  jobs: (s) => [{ name: 'identity.session-sweep', everyMs: 60 * MINUTE, run: () => s.auth.sweepSessions() }],
});
