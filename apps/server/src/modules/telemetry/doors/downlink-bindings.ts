import type { Client } from 'aedes';
import type { DeviceDirectory } from '../device-directory.js';
import type { Publisher } from '../mqtt-router.js';
import {
  bindFiware,
  bindThingsBoard,
  INTERNAL_PREFIX,
  parseFiwareCmdFilter,
  parseInternalFilter,
  visibleTopic,
  type Binding,
} from './topic-binding.js';

interface Connection {
  who: Publisher;
  /** By internal filter. */
  bindings: Map<string, Binding>;
}

/** aedes keeps a connection's active subscriptions here, keyed by (internal) filter. */
const activeFilters = (client: Client) =>
  (client as unknown as { subscriptions: Record<string, unknown> }).subscriptions;

/**
 * The per-connection half of device isolation in the embedded broker (ADR 0018): which device
 * topics each connection may listen on, the rewrite of its subscriptions to per-device internal
 * topics, and the rewrite back (or refusal) of every message forwarded to it.
 */
export class DownlinkBindings {
  private readonly connections = new WeakMap<Client, Connection>();
  private readonly byDevice = new Map<string, Set<Client>>();

  constructor(private readonly directory: DeviceDirectory) {}

  attach(client: Client, who: Publisher): void {
    this.connections.set(client, { who, bindings: new Map() });
  }

  who(client: Client | null): Publisher | undefined {
    return client ? this.connections.get(client)?.who : undefined;
  }

  detach(client: Client): void {
    const conn = this.connections.get(client);
    if (!conn) return;
    for (const b of conn.bindings.values()) {
      const set = this.byDevice.get(b.deviceId);
      set?.delete(client);
      if (set?.size === 0) this.byDevice.delete(b.deviceId);
    }
    conn.bindings.clear();
  }

  /**
   * The binding for a SUBSCRIBE filter, or null (refused). A stored internal filter (a persistent
   * session being restored) is accepted only for a device this connection is entitled to.
   */
  async bind(client: Client, filter: string): Promise<Binding | null> {
    const conn = this.connections.get(client);
    if (!conn) return null;
    const b = filter.startsWith(INTERNAL_PREFIX)
      ? await this.restore(conn.who, filter)
      : await this.fresh(conn.who, filter);
    if (!b) return null;
    conn.bindings.set(b.internal, b);
    const set = this.byDevice.get(b.deviceId) ?? new Set<Client>();
    set.add(client);
    this.byDevice.set(b.deviceId, set);
    return b;
  }

  private async fresh(who: Publisher, filter: string): Promise<Binding | null> {
    const fw = parseFiwareCmdFilter(filter);
    if (who.kind === 'device') {
      const d = who.device;
      const tb = bindThingsBoard({ id: d.id, gateway: d.profile.code === 'gateway' }, filter);
      if (tb) return tb;
      // A device token may listen to its own FIWARE command topic, under its own group's key.
      if (
        fw &&
        fw.code === d.code &&
        d.apiKeyGroupId &&
        (await this.directory.group(fw.apikey)) === d.apiKeyGroupId
      )
        return bindFiware(d.id, filter);
      return null;
    }
    // An API key is FIWARE's unit of trust: it may listen for any device of its group.
    if (who.kind === 'apikey' && fw && fw.apikey === who.apikey) {
      const device = await this.directory.byApiKey(fw.apikey, fw.code);
      return device ? bindFiware(device.id, filter) : null;
    }
    return null;
  }

  private async restore(who: Publisher, filter: string): Promise<Binding | null> {
    const p = parseInternalFilter(filter);
    if (!p) return null;
    if (who.kind === 'device' && p.deviceId === who.device.id && p.visible !== null) {
      return bindThingsBoard(
        { id: who.device.id, gateway: who.device.profile.code === 'gateway' },
        p.visible,
      );
    }
    if (who.kind === 'apikey' && p.kind === 'fiware_cmd') {
      const device = await this.directory.byId(p.deviceId);
      if (device?.apiKeyGroupId !== who.groupId) return null;
      return bindFiware(device.id, `/${who.apikey}/${device.code}/cmd`);
    }
    return null;
  }

  /** UNSUBSCRIBE names what the device subscribed to; aedes knows the internal filter. */
  internalFilter(client: Client, visible: string): string {
    const conn = this.connections.get(client);
    for (const b of conn?.bindings.values() ?? []) if (b.visible === visible) return b.internal;
    return visible;
  }

  /**
   * The topic to show `client` for a message on `topic`, or null: do not forward. Deny by default:
   * only internal topics of a binding this connection holds are ever forwarded to a device.
   */
  forwardTopic(client: Client, topic: string): string | null {
    if (!topic.startsWith(INTERNAL_PREFIX)) return null;
    const conn = this.connections.get(client);
    for (const b of conn?.bindings.values() ?? []) {
      const v = visibleTopic(b, topic);
      if (v !== null) return v;
    }
    return null;
  }

  /** Whether a live connection of `deviceId` listens where `topic` goes. */
  listening(deviceId: string, topic: string): boolean {
    for (const client of this.byDevice.get(deviceId) ?? []) {
      if (client.closed) continue;
      const conn = this.connections.get(client);
      const active = activeFilters(client);
      for (const b of conn?.bindings.values() ?? []) {
        if (b.deviceId === deviceId && active[b.internal] && visibleTopic(b, topic) !== null) return true;
      }
    }
    return false;
  }
}
