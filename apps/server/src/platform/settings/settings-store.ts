import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

/** Small key/value facts about this installation (key fingerprint, demo loaded, ...). */
export class SettingsStore {
  constructor(private readonly db: Kysely<DB>) {}

  async get(key: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('system_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return r?.value;
  }

  /** Sets the value only if the key is absent; returns the value now stored. */
  async setIfAbsent(key: string, value: string, ex: Kysely<DB> | Transaction<DB> = this.db): Promise<string> {
    await ex
      .insertInto('system_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const r = await ex
      .selectFrom('system_settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return r.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('system_settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
      .execute();
  }
}
