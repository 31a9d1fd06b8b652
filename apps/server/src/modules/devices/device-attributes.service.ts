import { MAX_ATTRIBUTES_PER_SCOPE } from '@civitas/contracts/devices';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { assertCovers } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import { badRequest } from '../../platform/errors/errors.js';
import type { CommandSignal } from './command-signal.js';
import type { DeviceCommandsRepository } from './device-commands.repository.js';
import type { DevicesRepository } from './devices.repository.js';
import type { DevicesService } from './devices.service.js';
import type { DownlinkDevice, DownlinkPort } from './downlink.js';

type Ctx = RequestContext & { actor: Actor };
type Scope = 'client' | 'shared';

/** Which keys a device asks for; null: all of that scope. */
export interface AttributeQuery {
  clientKeys: string[] | null;
  sharedKeys: string[] | null;
}

export type PushResult = 'sent' | 'queued' | 'absent' | 'offered';

/**
 * ThingsBoard device attributes. Client attributes are what a device reports about itself
 * (firmware, model, settings); shared attributes are set by staff and pushed to the device on
 * `v1/devices/me/attributes` (only the changed keys, and `{"deleted":[…]}` for removed ones, as
 * ThingsBoard does). Each scope holds at most MAX_ATTRIBUTES_PER_SCOPE keys per device.
 */
export class DeviceAttributesService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: DeviceCommandsRepository,
    private readonly devices: DevicesService,
    private readonly devicesRepo: DevicesRepository,
    private readonly audit: AuditLog,
    private readonly signal: CommandSignal,
    private readonly port: DownlinkPort,
    private readonly log: Logger,
  ) {
    signal.on((m) => {
      if (m.type === 'push') void this.pushOffered(m.deviceId, m.deleted);
    });
  }

  async list(actor: Actor, deviceId: string) {
    const d = await this.devices.get(actor, deviceId);
    const [client, shared] = await Promise.all([
      this.repo.attributes(d.id, 'client'),
      this.repo.attributes(d.id, 'shared'),
    ]);
    return { client, shared };
  }

  /** Sets (value) and deletes (null) shared attributes, then pushes the change to the device. */
  async setShared(ctx: Ctx, deviceId: string, changes: Record<string, unknown>) {
    const d = await this.devices.get(ctx.actor, deviceId);
    const grant = assertCovers(ctx.actor, 'device.control', d.unit_path, 'Device');
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null));
    const deleted = Object.keys(changes).filter((k) => changes[k] === null);
    const others = await this.repo.countAttributes(d.id, 'shared', Object.keys(changes));
    if (others + Object.keys(set).length > MAX_ATTRIBUTES_PER_SCOPE)
      throw badRequest(
        'too_many_attributes',
        `shared: a device keeps at most ${MAX_ATTRIBUTES_PER_SCOPE} shared attributes`,
      );
    await this.db.transaction().execute(async (trx) => {
      await this.repo.upsertAttributes(trx, d.id, 'shared', set);
      await this.repo.deleteAttributes(trx, d.id, 'shared', deleted);
      await this.audit.append(trx, ctx, {
        action: 'device.attributes_update',
        targetType: 'device',
        targetId: d.id,
        targetUnitId: d.org_unit_id,
        grant,
        detail: { set: Object.keys(set), deleted },
      });
    });
    const push = await this.push({ id: d.id, code: d.code, apiKeyGroupId: d.api_key_group_id }, set, deleted);
    return { ...(await this.list(ctx.actor, d.id)), push };
  }

  private async push(
    device: DownlinkDevice,
    set: Record<string, unknown>,
    deleted: string[],
  ): Promise<PushResult> {
    const results: PushResult[] = [];
    if (Object.keys(set).length > 0)
      results.push(await this.port.send(device, { kind: 'attributes' }, Buffer.from(JSON.stringify(set))));
    if (deleted.length > 0)
      results.push(
        await this.port.send(device, { kind: 'attributes' }, Buffer.from(JSON.stringify({ deleted }))),
      );
    if (results.includes('sent')) return 'sent';
    if (results.includes('queued')) return 'queued';
    // Another process may hold the device's session: it pushes the current shared set.
    if (this.signal.shared && !this.port.external) {
      await this.signal.notify({ type: 'push', deviceId: device.id, deleted });
      return 'offered';
    }
    return 'absent';
  }

  private async pushOffered(deviceId: string, deleted: string[]): Promise<void> {
    try {
      const d = await this.devicesRepo.findById(deviceId);
      if (!d) return;
      const target = { id: d.id, code: d.code, apiKeyGroupId: d.api_key_group_id };
      const rows = await this.repo.attributes(d.id, 'shared');
      const shared = Object.fromEntries(rows.map((r) => [r.key, r.value]));
      if (rows.length > 0)
        await this.port.send(target, { kind: 'attributes' }, Buffer.from(JSON.stringify(shared)));
      if (deleted.length > 0)
        await this.port.send(target, { kind: 'attributes' }, Buffer.from(JSON.stringify({ deleted })));
    } catch (e) {
      this.log.warn({ err: e, deviceId }, 'pushing offered attributes failed');
    }
  }

  /**
   * Stores what a device reports as client attributes. A report that would take the device past
   * the per-scope limit is refused whole; the answer says why.
   */
  async reported(deviceId: string, values: Record<string, unknown>): Promise<string | null> {
    const keys = Object.keys(values);
    if (keys.length === 0) return null;
    const others = await this.repo.countAttributes(deviceId, 'client', keys);
    if (others + keys.length > MAX_ATTRIBUTES_PER_SCOPE)
      return `a device keeps at most ${MAX_ATTRIBUTES_PER_SCOPE} client attributes`;
    await this.repo.upsertAttributes(this.db, deviceId, 'client', values);
    return null;
  }

  /**
   * ThingsBoard's answer to an attribute request: `{"client":{…},"shared":{…}}`. Naming keys of
   * one scope only asks for that scope; naming none asks for everything.
   */
  async answer(deviceId: string, q: AttributeQuery) {
    const all = q.clientKeys === null && q.sharedKeys === null;
    const read = async (scope: Scope, keys: string[] | null) => {
      if (!all && keys === null) return {};
      const rows = await this.repo.attributes(deviceId, scope, keys ?? undefined);
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    };
    return { client: await read('client', q.clientKeys), shared: await read('shared', q.sharedKeys) };
  }

  /** Answers a device's MQTT attribute request on `v1/devices/me/attributes/response/{id}`. */
  async requested(device: DownlinkDevice, requestId: number | string, q: AttributeQuery): Promise<void> {
    const body = await this.answer(device.id, q);
    await this.port.send(
      device,
      { kind: 'attributes_response', requestId },
      Buffer.from(JSON.stringify(body)),
    );
  }
}
