import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import {
  openStatuses,
  withCommandTables,
  type CommandDB,
  type CommandStatus,
  type DeviceCommandRow,
} from './device-commands.tables.js';

export interface NewCommand {
  deviceId: string;
  protocol: 'thingsboard' | 'fiware';
  method: string;
  params: unknown;
  oneway: boolean;
  timeoutMs: number;
  createdBy: string | null;
  createdByName: string | null;
}

/** The only SQL of device commands and attributes (migrations/0018_device_commands.sql). */
export class DeviceCommandsRepository {
  private readonly db: Kysely<CommandDB>;

  constructor(db: Kysely<DB>) {
    this.db = withCommandTables(db);
  }

  tx = (trx: Transaction<DB>) => trx as unknown as Transaction<CommandDB>;

  async insert(trx: Transaction<DB>, c: NewCommand): Promise<DeviceCommandRow> {
    return this.tx(trx)
      .insertInto('device_commands')
      .values({
        device_id: c.deviceId,
        protocol: c.protocol,
        method: c.method,
        params: JSON.stringify(c.params ?? null),
        oneway: c.oneway,
        status: 'pending',
        timeout_ms: c.timeoutMs,
        created_by: c.createdBy,
        created_by_name: c.createdByName,
        expires_at: new Date(Date.now() + c.timeoutMs),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  find(id: string) {
    return this.db.selectFrom('device_commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(deviceId: string, limit: number, offset: number) {
    return this.db
      .selectFrom('device_commands')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('created_at', 'desc')
      .orderBy('request_id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  async count(deviceId: string): Promise<number> {
    const r = await this.db
      .selectFrom('device_commands')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('device_id', '=', deviceId)
      .executeTakeFirstOrThrow();
    return r.n;
  }

  /**
   * Moves a command on only from one of `from`: the compare-and-set that lets several processes
   * (and a late answer racing the timeout) agree on one outcome. Null when it had moved already.
   */
  transition(
    id: string,
    from: readonly CommandStatus[],
    to: CommandStatus,
    extra: { response?: unknown; error?: string } = {},
  ) {
    const terminal = to === 'succeeded' || to === 'failed' || to === 'timed_out';
    return this.db
      .updateTable('device_commands')
      .set({
        status: to,
        ...(extra.response !== undefined ? { response: JSON.stringify(extra.response) } : {}),
        ...(extra.error !== undefined ? { error: extra.error } : {}),
        ...(to === 'delivered' ? { delivered_at: new Date() } : {}),
        ...(terminal ? { completed_at: new Date() } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
  }

  /** The open command a device's answer refers to, by ThingsBoard request id. */
  openByRequestId(deviceId: string, requestId: number) {
    return this.db
      .selectFrom('device_commands')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('request_id', '=', requestId)
      .where('status', 'in', [...openStatuses])
      .executeTakeFirst();
  }

  /** FIWARE results name the command, not a request: the oldest open one of that name. */
  openFiwareByMethod(deviceId: string, method: string) {
    return this.db
      .selectFrom('device_commands')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('protocol', '=', 'fiware')
      .where('method', '=', method)
      .where('oneway', '=', false)
      .where('status', 'in', [...openStatuses])
      .orderBy('request_id')
      .limit(1)
      .executeTakeFirst();
  }

  /**
   * Commands whose time ran out while still open become timed out. A one-way command is done once
   * delivered; only one still waiting for delivery can time out.
   */
  expire() {
    return this.db
      .updateTable('device_commands')
      .set({ status: 'timed_out', completed_at: new Date() })
      .where('status', 'in', [...openStatuses])
      .where((eb) => eb.or([eb('oneway', '=', false), eb('status', '!=', 'delivered')]))
      .where('expires_at', '<', new Date())
      .returning(['id'])
      .execute();
  }

  // ---- attributes ----

  attributes(deviceId: string, scope: 'client' | 'shared', keys?: string[]) {
    let q = this.db
      .selectFrom('device_attributes')
      .select(['key', 'value', 'updated_at'])
      .where('device_id', '=', deviceId)
      .where('scope', '=', scope);
    if (keys) q = keys.length === 0 ? q.where(sql<boolean>`false`) : q.where('key', 'in', keys);
    return q.orderBy('key').execute();
  }

  async countAttributes(deviceId: string, scope: 'client' | 'shared', except: string[]): Promise<number> {
    let q = this.db
      .selectFrom('device_attributes')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('device_id', '=', deviceId)
      .where('scope', '=', scope);
    if (except.length > 0) q = q.where('key', 'not in', except);
    return (await q.executeTakeFirstOrThrow()).n;
  }

  async upsertAttributes(
    ex: Kysely<DB> | Transaction<DB>,
    deviceId: string,
    scope: 'client' | 'shared',
    values: Record<string, unknown>,
  ): Promise<void> {
    const rows = Object.entries(values).map(([key, value]) => ({
      device_id: deviceId,
      scope,
      key,
      value: JSON.stringify(value),
      updated_at: new Date(),
    }));
    if (rows.length === 0) return;
    await (ex as unknown as Kysely<CommandDB>)
      .insertInto('device_attributes')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['device_id', 'scope', 'key']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  async deleteAttributes(trx: Transaction<DB>, deviceId: string, scope: 'shared', keys: string[]) {
    if (keys.length === 0) return;
    await this.tx(trx)
      .deleteFrom('device_attributes')
      .where('device_id', '=', deviceId)
      .where('scope', '=', scope)
      .where('key', 'in', keys)
      .execute();
  }
}
