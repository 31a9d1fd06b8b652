import { describe, expect, it } from 'vitest';
import {
  bindFiware,
  bindThingsBoard,
  externalTopic,
  internalTopic,
  parseFiwareCmdFilter,
  parseInternalFilter,
  visibleTopic,
} from './topic-binding.js';

const dev = { id: '7f1c0000-0000-4000-8000-000000000001', gateway: false };

describe('topic binding (ADR 0018)', () => {
  it('binds each ThingsBoard downlink subscription to the device’s own internal filter', () => {
    for (const filter of [
      'v1/devices/me/attributes',
      'v1/devices/me/attributes/response/+',
      'v1/devices/me/rpc/request/+',
      'v1/devices/me/rpc/response/+',
    ]) {
      const b = bindThingsBoard(dev, filter)!;
      expect(b.internal.startsWith(`$civitas/d/${dev.id}/`)).toBe(true);
      expect(b.internal.endsWith('/+')).toBe(true);
      expect(parseInternalFilter(b.internal)).toMatchObject({ deviceId: dev.id, visible: filter });
    }
  });

  it('binds nothing else: uplinks, other devices, wildcards, gateway topics of a non-gateway', () => {
    for (const filter of [
      'v1/devices/me/telemetry',
      'v1/devices/me/#',
      'v1/devices/+/attributes',
      'v1/devices/cvd_other/attributes',
      'v1/devices/me/rpc/request/#',
      'v1/devices/me/rpc/request/42',
      'v1/gateway/rpc',
      '#',
      '$civitas/d/x/attributes/+',
    ]) {
      expect(bindThingsBoard(dev, filter), filter).toBeNull();
    }
    expect(bindThingsBoard({ ...dev, gateway: true }, 'v1/gateway/rpc')).not.toBeNull();
  });

  it('rewrites a message back to what the device subscribed to, and refuses a topic of another binding', () => {
    const rpc = bindThingsBoard(dev, 'v1/devices/me/rpc/request/+')!;
    const attrs = bindThingsBoard(dev, 'v1/devices/me/attributes')!;
    const t = internalTopic(dev.id, { kind: 'rpc_request', requestId: 42 }, 'unused');
    expect(visibleTopic(rpc, t)).toBe('v1/devices/me/rpc/request/42');
    expect(visibleTopic(attrs, t)).toBeNull();
    const push = internalTopic(dev.id, { kind: 'attributes' }, 'a1b2');
    expect(visibleTopic(attrs, push)).toBe('v1/devices/me/attributes');
    const other = internalTopic('7f1c0000-0000-4000-8000-000000000002', { kind: 'attributes' }, 'a1b2');
    expect(visibleTopic(attrs, other)).toBeNull();
    expect(visibleTopic(attrs, `${push}/deeper`)).toBeNull();
  });

  it('reads FIWARE command subscriptions in the three forms the IoT Agent uses', () => {
    for (const f of ['/k3y/DEV-1/cmd', 'k3y/DEV-1/cmd', '/json/k3y/DEV-1/cmd'])
      expect(parseFiwareCmdFilter(f), f).toEqual({ apikey: 'k3y', code: 'DEV-1' });
    for (const f of ['/k3y/+/cmd', '/k3y/DEV-1/cmd/x', '/k3y/#', '/k3y/DEV-1/cmdexe'])
      expect(parseFiwareCmdFilter(f), f).toBeNull();
    const b = bindFiware(dev.id, '/k3y/DEV-1/cmd');
    expect(visibleTopic(b, internalTopic(dev.id, { kind: 'fiware_cmd' }, 'm1'))).toBe('/k3y/DEV-1/cmd');
  });

  it('addresses the same messages by credential behind an external broker', () => {
    expect(externalTopic({ token: 'T' }, { kind: 'rpc_request', requestId: 5 })).toBe(
      'v1/devices/T/rpc/request/5',
    );
    expect(externalTopic({ token: 'T' }, { kind: 'attributes' })).toBe('v1/devices/T/attributes/shared');
    expect(externalTopic({ apikey: 'K', code: 'D' }, { kind: 'fiware_cmd' })).toBe('/K/D/cmd');
    // Civitas subscribes where its own device-side RPC answers would travel: none is sent.
    expect(externalTopic({ token: 'T' }, { kind: 'rpc_response', requestId: 5 })).toBeNull();
  });
});
