import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { SettingsStore } from '../settings/settings-store.js';
import type { FieldCipher } from './field-cipher.js';

/** The setting naming the key new values are written with. */
export const KEY_FINGERPRINT = 'key_fingerprint';
/** Comma list of keys this database rotated away from, oldest first. */
export const RETIRED_KEYS = 'key_retired_fingerprints';

export class KeyMismatchError extends Error {
  constructor(
    readonly variable: 'SECRET_KEY' | 'SECRET_KEY_PREVIOUS',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks the keyring against the key the database was written with, at every start (ADR 0042):
 * the current key matches, or a previous key does, in which case a rotation begins: the database
 * now names the current key, and the old one is recorded as retired. Anything else is refused,
 * naming the setting to fix, before a single value is written under a stray key.
 */
export async function checkKeyring(
  db: Kysely<DB>,
  cipher: FieldCipher,
): Promise<{ rotationStarted: string | null }> {
  const settings = new SettingsStore(db);
  const stored = await settings.setIfAbsent(KEY_FINGERPRINT, cipher.fingerprint);
  if (stored === cipher.fingerprint) return { rotationStarted: null };
  const retired = (await settings.get(RETIRED_KEYS))?.split(',').filter(Boolean) ?? [];
  if (cipher.previousFingerprints.includes(stored)) {
    await db.transaction().execute(async (trx) => {
      const s = new SettingsStore(trx);
      await s.set(RETIRED_KEYS, [...retired.filter((r) => r !== stored), stored].join(','));
      await s.set(KEY_FINGERPRINT, cipher.fingerprint);
    });
    return { rotationStarted: stored };
  }
  if (retired.includes(cipher.fingerprint))
    throw new KeyMismatchError(
      'SECRET_KEY',
      `is key ${cipher.fingerprint}, which this database was rotated away from; its current key is ` +
        `${stored}: set SECRET_KEY to that key (keep this one in SECRET_KEY_PREVIOUS until ` +
        '`civitas key status` says it can go)',
    );
  if (cipher.previousFingerprints.length > 0)
    throw new KeyMismatchError(
      'SECRET_KEY_PREVIOUS',
      `neither SECRET_KEY (key ${cipher.fingerprint}) nor SECRET_KEY_PREVIOUS ` +
        `(${cipher.previousFingerprints.join(', ')}) is the key this database was encrypted with (${stored})`,
    );
  throw new KeyMismatchError(
    'SECRET_KEY',
    `does not match the key this database was encrypted with (key ${stored}; this is ${cipher.fingerprint}); ` +
      'when changing keys, put the old one in SECRET_KEY_PREVIOUS',
  );
}
