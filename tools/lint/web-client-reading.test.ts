import { describe, expect, it } from 'vitest';
import { liveMessage } from '@civitas/contracts/devices';
import { apiProblem } from '@civitas/contracts/errors';

const deviceId = '4f1b2c3d-0000-4000-8000-000000000001';
const standard = { type: 'about:blank', title: 'Conflict', status: 409, requestId: 'req-1' };

describe('apiProblem (how the web reads a refusal)', () => {
  it('keeps a listed code and the extensions the refusal carries', () => {
    const parsed = apiProblem.parse({ ...standard, code: 'stale_version', current: { version: 3 } });
    expect(parsed.code).toBe('stale_version');
    expect(parsed.current).toEqual({ version: 3 });
  });

  it('refuses a code that is not in the list, and a body that is not a problem', () => {
    expect(apiProblem.safeParse({ ...standard, code: 'stale_versoin' }).success).toBe(false);
    expect(apiProblem.safeParse({ error: 'Bad Gateway' }).success).toBe(false);
  });
});

describe('liveMessage (what GET /api/v1/live streams)', () => {
  it('reads each kind of message by its type', () => {
    const reading = { metric: 'LAeq', ts: '2026-12-03T08:00:00Z', value: 61, outlier: false };
    const stored = liveMessage.parse({
      type: 'telemetry.stored',
      data: { deviceId, code: 'N-1', readings: [reading] },
    });
    expect(stored.type === 'telemetry.stored' && stored.data.readings).toEqual([reading]);
    const connected = liveMessage.parse({
      type: 'device.connected',
      data: { deviceId, code: 'N-1', at: '2026-12-03T08:00:00Z' },
    });
    expect(connected.type).toBe('device.connected');
    const inactive = liveMessage.parse({
      type: 'device.inactive',
      data: { deviceId, code: 'N-1', lastSeenAt: null },
    });
    expect(inactive.type).toBe('device.inactive');
  });

  it('refuses a message whose data does not match its type', () => {
    expect(liveMessage.safeParse({ type: 'telemetry.stored', data: { deviceId, code: 'N-1' } }).success).toBe(
      false,
    );
    expect(liveMessage.safeParse({ type: 'device.active', data: { deviceId, code: 'N-1' } }).success).toBe(
      false,
    );
    expect(liveMessage.safeParse({ type: 'device.moved', data: { deviceId, code: 'N-1' } }).success).toBe(
      false,
    );
  });
});
