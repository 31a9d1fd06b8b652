import type { CreateDevice } from '@civitas/contracts/devices';
import { latLngToCell } from 'h3-js';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { updateDevice } from '@civitas/contracts/devices';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import { badRequest, conflict, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { builtinProfiles } from './builtin-profiles.js';
import { credentialHash, newApiKey, newDeviceToken } from './device-credentials.js';
import { sealApiKey, sealToken } from './device-secrets.js';
import type { DeviceFilter, DevicesRepository } from './devices.repository.js';
import { presentDevice } from './devices.presenter.js';
import type { ProfilesRepository } from './profiles.repository.js';

/** Resolution 11 (~2,000 m²): the cell used for "nearby" and for map aggregation. */
export const DEVICE_CELL_RESOLUTION = 11;
type Ctx = RequestContext & { actor: Actor };

/** The device registry: devices, their credentials and FIWARE API key groups. */
export class DevicesService {
  private readonly removeHooks: ((trx: Transaction<DB>, deviceId: string) => Promise<void>)[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: DevicesRepository,
    private readonly profiles: ProfilesRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
    private readonly bus: EventBus,
    /** Seals new credentials so the platform can address the device behind an external broker. */
    private readonly cipher: FieldCipher,
  ) {}

  async list(actor: Actor, f: Omit<DeviceFilter, 'paths' | 'unitPath'> & { unitId?: string | undefined }) {
    let unitPath: string | undefined;
    if (f.unitId) unitPath = (await this.orgs.get(actor, f.unitId)).path;
    return this.repo.list({ ...f, paths: scopePaths(actor, 'device.read'), unitPath });
  }

  async get(actor: Actor, id: string) {
    const d = await this.repo.findById(id);
    if (!d) throw notFound('Device');
    assertCovers(actor, 'device.read', d.unit_path, 'Device');
    return d;
  }

  /** The org unit comes from the location (the deepest unit containing it) unless given. */
  private async placeUnit(actor: Actor, lat: number, lng: number, orgUnitId: string | undefined) {
    const unit = orgUnitId
      ? await this.orgs.forNewRecords(orgUnitId)
      : await this.orgs.deepestContaining(lat, lng);
    if (!unit) {
      throw orgUnitId
        ? badRequest('unit_not_found', 'orgUnitId: no such org unit')
        : badRequest(
            'location_outside_units',
            'location: the point lies outside every org unit of this installation',
          );
    }
    const grant = assertCovers(actor, 'device.write', unit.path, 'Org unit', false);
    return { unit, grant };
  }

  /** Org unit id by code, for imports; the caller's scope is checked when the device is placed. */
  async unitIdByCode(code: string): Promise<string | undefined> {
    return (await this.orgs.findByCode(code))?.id;
  }

  /**
   * Registers a device. A token is issued unless `opts.token` brings one (bulk import of a fleet
   * whose tokens are already flashed); `null` there means no token until one is rotated in.
   */
  async create(ctx: Ctx, input: CreateDevice, opts: { token?: string | null } = {}) {
    const profile = await this.profiles.findByCode(input.profile);
    if (!profile) throw badRequest('profile_not_found', `profile: no device profile ${input.profile}`);
    if (profile.retired_at)
      throw badRequest(
        'profile_retired',
        `profile: ${input.profile} is retired and cannot be chosen for new devices`,
      );
    const [lng, lat] = input.location.coordinates;
    const { unit, grant } = await this.placeUnit(ctx.actor, lat, lng, input.orgUnitId);
    if (input.apiKeyGroupId) {
      const g = await this.repo.findGroup(input.apiKeyGroupId);
      if (!g || g.revoked_at) throw badRequest('group_not_found', 'apiKeyGroupId: no such API key group');
      assertCovers(ctx.actor, 'device.write', g.unit_path, 'API key group', false);
    }
    if (await this.repo.findByCode(input.code))
      throw conflict('code_taken', `code: device ${input.code} already exists`);
    const cred =
      opts.token === undefined
        ? newDeviceToken()
        : opts.token === null
          ? null
          : { token: opts.token, hash: credentialHash(opts.token), prefix: opts.token.slice(0, 10) };
    const id = await this.db.transaction().execute(async (trx) => {
      const newId = await this.repo.insert(trx, {
        code: input.code,
        name: input.name,
        profile_id: profile.id,
        org_unit_id: unit.id,
        lat,
        lng,
        h3: latLngToCell(lat, lng, DEVICE_CELL_RESOLUTION),
        install_date: input.installDate,
        status: input.status,
        token_hash: cred?.hash ?? null,
        token_prefix: cred?.prefix ?? null,
        token_sealed: cred ? sealToken(this.cipher, cred.token) : null,
        api_key_group_id: input.apiKeyGroupId,
      });
      await this.audit.append(trx, ctx, {
        action: 'device.create',
        targetType: 'device',
        targetId: newId,
        targetUnitId: unit.id,
        grant,
        detail: { code: input.code, profile: input.profile },
      });
      return newId;
    });
    return { device: presentDevice((await this.repo.findById(id))!), token: cred?.token ?? null };
  }

  async update(ctx: Ctx, id: string, patch: z.infer<typeof updateDevice>) {
    const current = await this.get(ctx.actor, id);
    const grant = assertCovers(ctx.actor, 'device.write', current.unit_path, 'Device');
    const set: Parameters<DevicesRepository['update']>[3] = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.installDate !== undefined) set.install_date = patch.installDate;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.location || patch.orgUnitId) {
      const [lng, lat] = patch.location?.coordinates ?? [current.lng, current.lat];
      const { unit } = await this.placeUnit(ctx.actor, lat, lng, patch.orgUnitId);
      Object.assign(set, {
        lat,
        lng,
        h3: latLngToCell(lat, lng, DEVICE_CELL_RESOLUTION),
        org_unit_id: unit.id,
      });
    }
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.repo.update(trx, id, patch.version, set))) {
        const now = await this.repo.findById(id, trx);
        throw conflict('stale_version', 'The device was changed by someone else; reload and try again.', {
          current: now ? presentDevice(now) : null,
        });
      }
      await this.audit.append(trx, ctx, {
        action: 'device.update',
        targetType: 'device',
        targetId: id,
        targetUnitId: current.org_unit_id,
        grant,
        detail: { fields: Object.keys(patch).filter((k) => k !== 'version') },
      });
    });
    this.bus.publish('device.changed', { deviceId: id });
    return presentDevice((await this.repo.findById(id))!);
  }

  /**
   * Work another module does, in the same transaction, when a device is deleted: the telemetry
   * module removes its readings and rollups (they carry no foreign key, for the write path's sake).
   */
  onRemove(hook: (trx: Transaction<DB>, deviceId: string) => Promise<void>): void {
    this.removeHooks.push(hook);
  }

  async remove(ctx: Ctx, id: string): Promise<void> {
    const d = await this.get(ctx.actor, id);
    const grant = assertCovers(ctx.actor, 'device.write', d.unit_path, 'Device');
    await this.db.transaction().execute(async (trx) => {
      for (const hook of this.removeHooks) await hook(trx, id);
      await this.repo.delete(trx, id);
      await this.audit.append(trx, ctx, {
        action: 'device.delete',
        targetType: 'device',
        targetId: id,
        targetUnitId: d.org_unit_id,
        grant,
        detail: { code: d.code },
      });
    });
    this.bus.publish('device.changed', { deviceId: id });
  }

  /** A new token replaces the old one at once; `revoke` leaves the device without one. */
  async rotateToken(ctx: Ctx, id: string, revoke = false): Promise<string | null> {
    const d = await this.get(ctx.actor, id);
    const grant = assertCovers(ctx.actor, 'device.write', d.unit_path, 'Device');
    const cred = revoke ? null : newDeviceToken();
    await this.db.transaction().execute(async (trx) => {
      await this.repo.setToken(
        trx,
        id,
        cred?.hash ?? null,
        cred?.prefix ?? null,
        cred ? sealToken(this.cipher, cred.token) : null,
      );
      await this.audit.append(trx, ctx, {
        action: revoke ? 'device.token_revoke' : 'device.token_rotate',
        targetType: 'device',
        targetId: id,
        targetUnitId: d.org_unit_id,
        grant,
      });
    });
    this.bus.publish('device.changed', { deviceId: id });
    return cred?.token ?? null;
  }

  async createApiKeyGroup(ctx: Ctx, name: string, orgUnitId: string) {
    const unit = await this.orgs.forNewRecords(orgUnitId);
    if (!unit) throw badRequest('unit_not_found', 'orgUnitId: no such org unit');
    const grant = assertCovers(ctx.actor, 'device.write', unit.path, 'Org unit', false);
    const key = newApiKey();
    const id = await this.db.transaction().execute(async (trx) => {
      const gid = await this.repo.insertGroup(trx, {
        name,
        hash: key.hash,
        prefix: key.prefix,
        orgUnitId,
        sealed: sealApiKey(this.cipher, key.apikey),
      });
      await this.audit.append(trx, ctx, {
        action: 'device.apikey_create',
        targetType: 'api_key_group',
        targetId: gid,
        targetUnitId: orgUnitId,
        grant,
        detail: { name },
      });
      return gid;
    });
    return { id, apikey: key.apikey, prefix: key.prefix };
  }

  listApiKeyGroups(actor: Actor) {
    return this.repo.listGroups(scopePaths(actor, 'device.read'));
  }

  async revokeApiKeyGroup(ctx: Ctx, id: string): Promise<void> {
    const g = await this.repo.findGroup(id);
    if (!g) throw notFound('API key group');
    const grant = assertCovers(ctx.actor, 'device.write', g.unit_path, 'API key group');
    await this.db.transaction().execute(async (trx) => {
      await this.repo.revokeGroup(trx, id);
      await this.audit.append(trx, ctx, {
        action: 'device.apikey_revoke',
        targetType: 'api_key_group',
        targetId: id,
        targetUnitId: g.org_unit_id,
        grant,
      });
    });
    this.bus.publish('device.changed', { deviceId: null });
  }

  rejections(id: string) {
    return this.repo.rejections(id);
  }

  /** Built-in profiles follow the code: refreshed on every start. */
  async ensureBuiltinProfiles(): Promise<void> {
    for (const p of builtinProfiles) await this.profiles.upsert(p, true);
  }

  profilesList() {
    return this.profiles.all();
  }

  // ---- credential lookups for ingestion (the telemetry module's device directory caches them) ----
  /** The device holding the token with this hash. */
  ingestDeviceByTokenHash(hash: string) {
    return this.repo.byTokenHash(hash);
  }

  ingestDeviceByCode(code: string) {
    return this.repo.byCodeForIngest(code);
  }

  ingestDeviceById(id: string) {
    return this.repo.byIdForIngest(id);
  }

  /** FIWARE: the device `code` of an API key group. */
  ingestDeviceInGroup(groupId: string, code: string) {
    return this.repo.byGroupAndCode(groupId, code);
  }

  /** The API key group whose key has this hash, revoked or not. */
  apiKeyGroupByHash(hash: string) {
    return this.repo.groupByHash(hash);
  }
}

/** A device as the ingestion lookups return it. */
export type IngestDeviceRow = NonNullable<Awaited<ReturnType<DevicesService['ingestDeviceByTokenHash']>>>;
