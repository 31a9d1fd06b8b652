import type { Permission } from '@civitas/contracts/roles';
import type { Actor, RequestContext } from '../auth/actor.js';

/**
 * What every route must declare: 'public' (no sign-in), 'authenticated' (any signed-in user;
 * the service then checks the record) or a permission (checked before the handler runs, and
 * again per record by the service). A route without a declaration refuses to register.
 */
export type Access = 'public' | 'authenticated' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    ctx: RequestContext;
  }
}

/** Resolves the caller from a request's credentials; implemented by the identity module. */
export interface Authenticator {
  authenticate(input: {
    sessionToken: string | undefined;
    bearerToken: string | undefined;
    ip: string;
  }): Promise<Actor | null>;
}

export const SESSION_COOKIE = 'civitas_session';
