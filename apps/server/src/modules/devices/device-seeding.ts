import { latLngToCell } from 'h3-js';
import type { Kysely, Transaction } from 'kysely';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DB } from '../../platform/db/schema.js';
import { newApiKey, newDeviceToken } from './device-credentials.js';
import type { DevicesRepository } from './devices.repository.js';
import { DEVICE_CELL_RESOLUTION } from './devices.service.js';

export interface SeedDevice {
  code: string;
  name: string;
  /** The profile's code, e.g. `air-quality`. */
  profile: string;
  orgUnitId: string;
  lat: number;
  lng: number;
  installDate: string | null;
}

/** A device's credential as a simulator needs it: a token, or for FIWARE devices the group's API key. */
export interface SimulatorCredential<F extends string> {
  code: string;
  profile: string;
  format: F;
  token?: string;
  apikey?: string;
}

/**
 * Writing a whole fleet at once, for loaders that build a district in one transaction (the demo).
 * The registry's own rules still hold: device rows are written by this module, not by the loader.
 */
export class DeviceSeeding {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: DevicesRepository,
    private readonly bus: EventBus,
  ) {}

  /** Inserts active devices without credentials (a simulator issues them at its start); their ids in order. */
  async insertWithin(trx: Transaction<DB>, devices: readonly SeedDevice[]): Promise<string[]> {
    const profiles = new Map(
      (await trx.selectFrom('device_profiles').select(['id', 'code']).execute()).map((p) => [p.code, p.id]),
    );
    const ids: string[] = [];
    for (const d of devices) {
      const profileId = profiles.get(d.profile);
      if (!profileId) throw new Error(`device ${d.code}: no device profile ${d.profile}`);
      const id = await this.repo.insert(trx, {
        code: d.code,
        name: d.name,
        profile_id: profileId,
        org_unit_id: d.orgUnitId,
        lat: d.lat,
        lng: d.lng,
        h3: latLngToCell(d.lat, d.lng, DEVICE_CELL_RESOLUTION),
        install_date: d.installDate,
        status: 'active',
        token_hash: null,
        token_prefix: null,
        api_key_group_id: null,
      });
      ids.push(id);
    }
    return ids;
  }

  /**
   * Fresh credentials for the devices whose code starts with `codePrefix`, kept only by the
   * caller: tokens for most, one new API key group (named `groupName`, on `groupUnitId`) for the
   * FIWARE ones. The previous group of that name is revoked, so an earlier run's secrets stop working.
   */
  async issueSimulatorCredentials<F extends string>(opts: {
    codePrefix: string;
    groupName: string;
    groupUnitId: string;
    /** `fiware` for devices that sign in with the group's API key. */
    formatOf: (code: string) => F | 'fiware';
  }): Promise<SimulatorCredential<F | 'fiware'>[]> {
    const rows = await this.db
      .selectFrom('devices as d')
      .innerJoin('device_profiles as p', 'p.id', 'd.profile_id')
      .select(['d.id', 'd.code', 'p.code as profile'])
      .where('d.code', 'like', `${opts.codePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      .execute();
    if (rows.length === 0) return [];
    const key = newApiKey();
    const out: SimulatorCredential<F | 'fiware'>[] = [];
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_key_groups')
        .set({ revoked_at: new Date() })
        .where('name', '=', opts.groupName)
        .where('revoked_at', 'is', null)
        .execute();
      const groupId = await this.repo.insertGroup(trx, {
        name: opts.groupName,
        hash: key.hash,
        prefix: key.prefix,
        orgUnitId: opts.groupUnitId,
      });
      const fiware: string[] = [];
      for (const r of rows) {
        const format = opts.formatOf(r.code);
        if (format === 'fiware') {
          fiware.push(r.id);
          out.push({ code: r.code, profile: r.profile, format: 'fiware', apikey: key.apikey });
        } else {
          const cred = newDeviceToken();
          await this.repo.setToken(trx, r.id, cred.hash, cred.prefix);
          out.push({ code: r.code, profile: r.profile, format, token: cred.token });
        }
      }
      await this.repo.setGroup(trx, fiware, groupId);
    });
    // Caches of the device directory drop what they knew about these devices.
    this.bus.publish('device.changed', { deviceId: null });
    return out;
  }
}
