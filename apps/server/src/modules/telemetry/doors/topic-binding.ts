import type { Downlink } from '../../devices/downlink.js';

/**
 * Where platform-to-device messages travel inside the embedded broker, and how a device's own
 * subscription maps onto them (ADR 0018).
 *
 * ThingsBoard devices all subscribe to the same literal topics (`v1/devices/me/...`), so a
 * broker that routed those literally would hand one device's commands to every device. Instead a
 * subscription to a "me" topic is rewritten to a per-device internal topic under `$civitas/d/`,
 * and a message on an internal topic is rewritten back to what the device subscribed to when it
 * is forwarded to that device's connection, and to no other. Devices can never publish there:
 * every publish from a connection is consumed by the platform (see embedded-broker.ts).
 */
export const INTERNAL_PREFIX = '$civitas/d/';
/** Where consumed publishes go: nothing subscribes to it, so nothing is delivered or retained. */
export const CONSUMED_TOPIC = '$civitas/consumed';

const CHANNELS: Record<Downlink['kind'], string> = {
  attributes: 'attributes',
  attributes_response: 'attributes/response',
  rpc_request: 'rpc/request',
  rpc_response: 'rpc/response',
  gateway_rpc: 'gw/rpc',
  gateway_attributes: 'gw/attributes',
  fiware_cmd: 'cmd',
};

/**
 * The internal topic of one downlink message in the embedded broker. Its last level is unique per
 * message (the request id, or `messageId` for kinds without one), so the broker can tell when
 * that very message reaches the device and drop it once expired.
 */
export const internalTopic = (deviceId: string, d: Downlink, messageId: string) =>
  `${INTERNAL_PREFIX}${deviceId}/${CHANNELS[d.kind]}/${'requestId' in d ? d.requestId : messageId}`;

/**
 * The same message behind an external broker, where the device's credential stands in for "me"
 * (the broker's ACL binds the credential to the connection: docs/devices.md). Shared attributes
 * go to `…/attributes/shared` so that they are not confused with the client attributes the device
 * publishes on `…/attributes`, which Civitas subscribes to.
 */
export function externalTopic(cred: { token: string } | { apikey: string; code: string }, d: Downlink) {
  if ('apikey' in cred) return d.kind === 'fiware_cmd' ? `/${cred.apikey}/${cred.code}/cmd` : null;
  const base = `v1/devices/${cred.token}`;
  switch (d.kind) {
    case 'attributes':
      return `${base}/attributes/shared`;
    // Device-side RPC is not served behind an external broker (Civitas does not subscribe to
    // `…/rpc/request/+`, where its own commands travel), so there is nothing to answer.
    case 'rpc_response':
    case 'fiware_cmd':
    case 'gateway_rpc':
    case 'gateway_attributes':
      return null;
    default:
      return `${base}/${CHANNELS[d.kind]}/${d.requestId}`;
  }
}

/**
 * One subscription of one connection: the filter it asked for, and the internal filter it really
 * listens on (always `…/<channel>/+`). `visible` ends in `/+` when the device sees the message's
 * id (ThingsBoard request ids); otherwise the device sees `visible` as is.
 */
export interface Binding {
  deviceId: string;
  visible: string;
  internal: string;
}

const TB_ME: Record<string, Downlink['kind']> = {
  'v1/devices/me/attributes': 'attributes',
  'v1/devices/me/attributes/response/+': 'attributes_response',
  'v1/devices/me/rpc/request/+': 'rpc_request',
  'v1/devices/me/rpc/response/+': 'rpc_response',
};
const TB_GATEWAY: Record<string, Downlink['kind']> = {
  'v1/gateway/rpc': 'gateway_rpc',
  'v1/gateway/attributes': 'gateway_attributes',
};

const bind = (deviceId: string, kind: Downlink['kind'], visible: string): Binding => ({
  deviceId,
  visible,
  internal: `${INTERNAL_PREFIX}${deviceId}/${CHANNELS[kind]}/+`,
});

/** The binding of a ThingsBoard downlink subscription, or null for any other filter. */
export function bindThingsBoard(device: { id: string; gateway: boolean }, filter: string): Binding | null {
  const kind = TB_ME[filter] ?? (device.gateway ? TB_GATEWAY[filter] : undefined);
  return kind ? bind(device.id, kind, filter) : null;
}

/** FIWARE IoT Agent JSON command subscriptions: `/{apikey}/{id}/cmd`, also without the slash or under `/json`. */
const FIWARE_CMD = /^(?:\/json\/|\/)?([A-Za-z0-9]{1,64})\/([^/+#$]{1,128})\/cmd$/;

export function parseFiwareCmdFilter(filter: string): { apikey: string; code: string } | null {
  const m = FIWARE_CMD.exec(filter);
  return m ? { apikey: m[1]!, code: m[2]! } : null;
}

export const bindFiware = (deviceId: string, visible: string): Binding =>
  bind(deviceId, 'fiware_cmd', visible);

/**
 * A stored internal filter (a persistent session being restored) back to what it came from.
 * FIWARE filters need the API key and device code (`visible` null), which the broker looks up.
 */
export function parseInternalFilter(
  filter: string,
): { deviceId: string; kind: Downlink['kind']; visible: string | null } | null {
  if (!filter.startsWith(INTERNAL_PREFIX) || !filter.endsWith('/+')) return null;
  const rest = filter.slice(INTERNAL_PREFIX.length, -2);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const deviceId = rest.slice(0, slash);
  const channel = rest.slice(slash + 1);
  for (const [visible, kind] of [...Object.entries(TB_ME), ...Object.entries(TB_GATEWAY)]) {
    if (channel === CHANNELS[kind]) return { deviceId, kind, visible };
  }
  return channel === CHANNELS.fiware_cmd ? { deviceId, kind: 'fiware_cmd', visible: null } : null;
}

/** The topic a device sees for a message on an internal topic, or null when the binding does not match it. */
export function visibleTopic(binding: Binding, topic: string): string | null {
  const prefix = binding.internal.slice(0, -1);
  if (!topic.startsWith(prefix)) return null;
  const last = topic.slice(prefix.length);
  if (last === '' || last.includes('/')) return null;
  return binding.visible.endsWith('/+') ? binding.visible.slice(0, -1) + last : binding.visible;
}
