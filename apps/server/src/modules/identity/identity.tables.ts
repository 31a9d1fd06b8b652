import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.js';

/**
 * Accounts, grants, sessions and API tokens (migration 0002 and later). The module's own tables: it alone reads and writes them (ADR 0030).
 * They join the platform's `DB` by declaration merging, as bus events do, so the platform never
 * imports a module; `schema-drift.int.test.ts` checks them against the migrations.
 */
declare module '../../platform/db/schema.js' {
  interface DB {
    users: UsersTable;
    role_grants: RoleGrantsTable;
    sessions: SessionsTable;
    api_tokens: ApiTokensTable;
  }
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  kind: 'staff' | 'resident';
  password_hash: string;
  locale: Generated<string>;
  disabled_at: Date | null;
  totp_secret_enc: string | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: number | null;
  resident_id: string | null;
  /** Set by an administrator's reset: no permission applies until the user changes it (0028). */
  password_must_change: Generated<boolean>;
  /** Moved on by an unlock; sign-in throttle counts are keyed by it (0028, ADR 0044). */
  login_generation: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleGrantsTable {
  id: Generated<string>;
  user_id: string;
  role: string;
  org_unit_id: string;
  department: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export type UserRow = Selectable<UsersTable>;
