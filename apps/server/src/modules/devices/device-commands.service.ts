import type { SendCommand } from '@civitas/contracts/devices';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { assertCovers } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import { conflict } from '../../platform/errors/errors.js';
import type { CommandSignal } from './command-signal.js';
import type { DeviceCommandsRepository } from './device-commands.repository.js';
import { openStatuses, type DeviceCommandRow } from './device-commands.tables.js';
import type { DevicesRepository } from './devices.repository.js';
import type { DevicesService } from './devices.service.js';
import type { Downlink, DownlinkDevice, DownlinkPort, SendResult } from './downlink.js';

type Ctx = RequestContext & { actor: Actor };

export interface CommandTimings {
  /** Longest a request waits for the device; stays under the HTTP request's time budget. */
  maxWaitMs: number;
  /** How long other processes get to take a command for a device connected to them. */
  dispatchWaitMs: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'timed_out']);
/** How long a one-way command taken by another process may take to be delivered before we answer. */
const ONEWAY_REMOTE_WAIT_MS = 2000;

/**
 * Commands to devices: ThingsBoard server-side RPC (`v1/devices/me/rpc/request/{id}`, answer on
 * `…/rpc/response/{id}`) and FIWARE IoT Agent JSON commands (`/{apikey}/{id}/cmd`, result on
 * `/json/{apikey}/{id}/cmdexe`). Each is a row whose status moves by compare-and-set, so the
 * process that issued it, the process holding the device's connection, a late answer and the
 * expiry sweep agree on one outcome.
 *
 * Across processes (PostgreSQL): when no session of the device is on this process's embedded
 * broker, the command is offered to the others (NOTIFY); the one holding the session claims and
 * sends it. Unclaimed after `dispatchWaitMs`, it fails as `not_connected`.
 */
export class DeviceCommandsService {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: DeviceCommandsRepository,
    private readonly devices: DevicesService,
    private readonly devicesRepo: DevicesRepository,
    private readonly audit: AuditLog,
    private readonly signal: CommandSignal,
    private readonly port: DownlinkPort,
    private readonly log: Logger,
    private readonly timings: CommandTimings,
  ) {
    signal.on((m) => {
      if (m.type === 'changed') for (const wake of this.waiters.get(m.id) ?? []) wake();
      if (m.type === 'dispatch') void this.offered(m.id);
    });
  }

  /**
   * Records, sends and waits (bounded by `maxWaitMs`, under the request's time budget). The wait
   * does not watch the client's connection: Fastify's request.signal fires once a POST body has
   * been read, and the wait is short and bounded anyway.
   */
  async send(ctx: Ctx, deviceId: string, input: SendCommand): Promise<DeviceCommandRow> {
    const d = await this.devices.get(ctx.actor, deviceId);
    const grant = assertCovers(ctx.actor, 'device.control', d.unit_path, 'Device');
    if (d.status === 'retired')
      throw conflict('device_retired', 'The device is retired; it takes no commands.');
    const protocol = input.protocol ?? (d.api_key_group_id ? 'fiware' : 'thingsboard');
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await this.repo.insert(trx, {
        deviceId: d.id,
        protocol,
        method: input.method,
        params: input.params ?? null,
        oneway: input.oneway,
        timeoutMs: input.timeoutMs,
        createdBy: ctx.actor.userId,
        createdByName: ctx.actor.displayName,
      });
      // The parameters stay out of the audit log: they may carry settings such as Wi-Fi keys.
      await this.audit.append(trx, ctx, {
        action: 'device.command',
        targetType: 'device',
        targetId: d.id,
        targetUnitId: d.org_unit_id,
        grant,
        detail: { command: r.id, requestId: r.request_id, method: r.method, protocol, oneway: r.oneway },
      });
      return r;
    });
    const target = { id: d.id, code: d.code, apiKeyGroupId: d.api_key_group_id };
    const here = await this.deliverHere(row, target);
    if (here === 'absent') await this.offerElsewhere(row);
    // One-way: done once delivered, or once queued for an offline session of the device. When
    // another process took it, a command still queued after a short wait is taken as queued.
    const done = (c: DeviceCommandRow) =>
      TERMINAL.has(c.status) ||
      (c.oneway && (c.status === 'delivered' || (c.status === 'queued' && here === 'queued')));
    const waitMs = Math.min(
      input.timeoutMs,
      this.timings.maxWaitMs,
      input.oneway && here === 'absent' ? ONEWAY_REMOTE_WAIT_MS : Infinity,
    );
    const settled = await this.waitFor(row.id, done, waitMs);
    if (!done(settled) && Date.now() >= settled.expires_at.getTime())
      return (await this.finish(row.id, 'timed_out')) ?? settled;
    return settled;
  }

  async list(actor: Actor, deviceId: string, limit: number, offset: number) {
    const d = await this.devices.get(actor, deviceId);
    const [rows, total] = await Promise.all([this.repo.list(d.id, limit, offset), this.repo.count(d.id)]);
    return { rows, total };
  }

  /** A ThingsBoard RPC answer; false when no open command of this device has that request id. */
  async answered(deviceId: string, requestId: number, response: unknown): Promise<boolean> {
    const open = await this.repo.openByRequestId(deviceId, requestId);
    return !!open && !!(await this.finish(open.id, 'succeeded', { response }));
  }

  /** A FIWARE command result; false when no open command of that name waits for one. */
  async fiwareResult(deviceId: string, command: string, result: unknown): Promise<boolean> {
    const open = await this.repo.openFiwareByMethod(deviceId, command);
    return !!open && !!(await this.finish(open.id, 'succeeded', { response: result }));
  }

  /** Open commands whose time ran out become timed out (run periodically by ingestion). */
  async expire(): Promise<number> {
    const rows = await this.repo.expire();
    for (const r of rows) await this.signal.notify({ type: 'changed', id: r.id });
    return rows.length;
  }

  private async finish(id: string, to: 'succeeded' | 'failed' | 'timed_out', extra = {}) {
    const row = await this.repo.transition(id, openStatuses, to, extra);
    if (row) await this.signal.notify({ type: 'changed', id });
    return row;
  }

  /** Sends through this process's transport if a session of the device can receive it here. */
  private async deliverHere(row: DeviceCommandRow, device: DownlinkDevice): Promise<SendResult> {
    const message: Downlink =
      row.protocol === 'fiware' ? { kind: 'fiware_cmd' } : { kind: 'rpc_request', requestId: row.request_id };
    const payload = Buffer.from(
      JSON.stringify(
        row.protocol === 'fiware' ? { [row.method]: row.params } : { method: row.method, params: row.params },
      ),
    );
    const external = this.port.external;
    const result = await this.port.send(device, message, payload, {
      expiresAt: row.expires_at.getTime(),
      // Claimed before it is published, so only one process ever sends a command.
      claim: async () => !!(await this.repo.transition(row.id, ['pending'], 'queued')),
      onDelivered: () => void this.moved(row.id, ['pending', 'queued'], 'delivered'),
    });
    // Behind an external broker, "delivered" means the broker took it (it routes by its own ACL).
    if (result === 'sent' && external) await this.moved(row.id, ['queued'], 'delivered');
    if (result === 'queued') await this.signal.notify({ type: 'changed', id: row.id });
    return result;
  }

  private async moved(id: string, from: DeviceCommandRow['status'][], to: DeviceCommandRow['status']) {
    try {
      if (await this.repo.transition(id, from, to)) await this.signal.notify({ type: 'changed', id });
    } catch (e) {
      this.log.warn({ err: e, command: id }, 'recording a command delivery failed');
    }
  }

  private async offerElsewhere(row: DeviceCommandRow): Promise<void> {
    if (this.signal.shared && !this.port.external) {
      await this.signal.notify({ type: 'dispatch', id: row.id });
      const c = await this.waitFor(row.id, (r) => r.status !== 'pending', this.timings.dispatchWaitMs);
      if (c.status !== 'pending') return;
    }
    await this.finish(row.id, 'failed', { error: 'not_connected' });
  }

  /** Another process offers a command: take it if the device's session is here. */
  private async offered(id: string): Promise<void> {
    try {
      const row = await this.repo.find(id);
      if (!row || row.status !== 'pending') return;
      const d = await this.devicesRepo.findById(row.device_id);
      if (d) await this.deliverHere(row, { id: d.id, code: d.code, apiKeyGroupId: d.api_key_group_id });
    } catch (e) {
      this.log.warn({ err: e, command: id }, 'taking an offered command failed');
    }
  }

  /** Re-reads the command on every signal about it, and at least every second (signals are hints). */
  private async waitFor(
    id: string,
    done: (r: DeviceCommandRow) => boolean,
    ms: number,
  ): Promise<DeviceCommandRow> {
    const deadline = Date.now() + ms;
    for (;;) {
      const row = (await this.repo.find(id))!;
      const left = deadline - Date.now();
      if (done(row) || left <= 0) return row;
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(id) ?? new Set();
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0) this.waiters.delete(id);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 1000));
        set.add(wake);
        this.waiters.set(id, set);
      });
    }
  }
}
