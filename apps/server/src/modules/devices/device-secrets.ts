import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import { credentialHash } from './device-credentials.js';

export const TOKEN_AAD = 'devices.token';
export const APIKEY_AAD = 'api_key_groups.apikey';

export const sealToken = (cipher: FieldCipher, token: string) => cipher.encrypt(token, TOKEN_AAD);
export const sealApiKey = (cipher: FieldCipher, apikey: string) => cipher.encrypt(apikey, APIKEY_AAD);

/**
 * Device credentials in clear, for the two things that need them (ADR 0018): addressing a device's
 * topics behind an external broker, where the credential stands in for "me", and generating the
 * broker's password and ACL files. Lookups still go by the SHA-256 hash; the sealed copy is
 * opened only here, and only if it still matches that hash (a copied ciphertext does not).
 * Credentials issued before migration 0018 have no sealed copy: rotating them adds one.
 */
export class DeviceSecrets {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
  ) {}

  private open(sealed: string | null, hash: string | null, aad: string): string | null {
    if (!sealed || !hash) return null;
    try {
      const clear = this.cipher.decrypt(sealed, aad);
      return credentialHash(clear) === hash ? clear : null;
    } catch {
      return null;
    }
  }

  async token(deviceId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('devices')
      .select(['token_sealed', 'token_hash'])
      .where('id', '=', deviceId)
      .executeTakeFirst();
    return r ? this.open(r.token_sealed, r.token_hash, TOKEN_AAD) : null;
  }

  async apikey(groupId: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('api_key_groups')
      .select(['apikey_sealed', 'apikey_hash', 'revoked_at'])
      .where('id', '=', groupId)
      .executeTakeFirst();
    return r && !r.revoked_at ? this.open(r.apikey_sealed, r.apikey_hash, APIKEY_AAD) : null;
  }

  /**
   * Every usable credential, for broker configuration: tokens of devices that are not retired and
   * keys of groups that are not revoked. `missing` counts those without a usable sealed copy.
   */
  async all() {
    const devices = await this.db
      .selectFrom('devices')
      .select(['id', 'code', 'token_sealed', 'token_hash'])
      .where('status', '!=', 'retired')
      .where('token_hash', 'is not', null)
      .orderBy('code')
      .execute();
    const groups = await this.db
      .selectFrom('api_key_groups')
      .select(['id', 'name', 'apikey_sealed', 'apikey_hash'])
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
    const tokens = devices.map((d) => ({
      code: d.code,
      token: this.open(d.token_sealed, d.token_hash, TOKEN_AAD),
    }));
    const keys = groups.map((g) => ({
      name: g.name,
      apikey: this.open(g.apikey_sealed, g.apikey_hash, APIKEY_AAD),
    }));
    return {
      tokens: tokens.filter((t): t is { code: string; token: string } => t.token !== null),
      apikeys: keys.filter((k): k is { name: string; apikey: string } => k.apikey !== null),
      missing: {
        devices: tokens.filter((t) => t.token === null).map((t) => t.code),
        groups: keys.filter((k) => k.apikey === null).map((k) => k.name),
      },
    };
  }
}
