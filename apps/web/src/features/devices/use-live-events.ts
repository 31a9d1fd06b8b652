import { endpoints } from '@civitas/contracts/endpoints';
import { useEffect, useRef, useState } from 'react';
import { urlOf } from '../../app/api-client';
import type { LiveReading } from './device-api';

export type LiveMessage =
  | { type: 'telemetry.stored'; data: { deviceId: string; code: string; readings: LiveReading[] } }
  | {
      type: 'device.event';
      data: { deviceId: string; code: string; kind: string; ts: string; data: Record<string, unknown> };
    }
  | { type: 'device.active' | 'device.inactive'; data: { deviceId: string; code: string } };

export type LiveState = 'connecting' | 'open' | 'error';

const TYPES = ['telemetry.stored', 'device.event', 'device.active', 'device.inactive'] as const;

/**
 * Subscribes to GET /api/v1/live (server-sent events) for a unit's subtree, or the user's whole
 * scope. EventSource reconnects by itself and the server replays what was missed (Last-Event-ID).
 */
export function useLiveEvents(onMessage: (message: LiveMessage) => void, unitId: string | null): LiveState {
  const handler = useRef(onMessage);
  const [state, setState] = useState<{ key: string; value: LiveState }>({ key: '', value: 'connecting' });
  const key = unitId ?? '';

  useEffect(() => {
    handler.current = onMessage;
  }, [onMessage]);

  useEffect(() => {
    const source = new EventSource(
      urlOf(endpoints.telemetry.live, { query: { unitId: unitId ?? undefined } }),
      {
        withCredentials: true,
      },
    );
    source.onopen = () => setState({ key, value: 'open' });
    source.onerror = () =>
      setState({ key, value: source.readyState === EventSource.CLOSED ? 'error' : 'connecting' });
    for (const type of TYPES) {
      source.addEventListener(type, (event: MessageEvent<string>) => {
        const data: unknown = JSON.parse(event.data);
        handler.current({ type, data } as LiveMessage);
      });
    }
    return () => source.close();
  }, [unitId, key]);

  return state.key === key ? state.value : 'connecting';
}

/** Announces the live connection in words (a polite status, not every reading). */
export function liveStateKey(state: LiveState): string {
  return state === 'open'
    ? 'devices.live.open'
    : state === 'error'
      ? 'devices.live.error'
      : 'devices.live.connecting';
}
