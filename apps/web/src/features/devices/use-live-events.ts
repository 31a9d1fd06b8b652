import { endpoints } from '@civitas/contracts/endpoints';
import { liveMessage, type LiveEventType, type LiveMessage } from '@civitas/contracts/devices';
import { useEffect, useRef, useState } from 'react';
import { urlOf } from '../../app/api-client';

export type LiveState = 'connecting' | 'open' | 'error';

/** The events the device screens draw; the stream's other types are not listened for. */
const TYPES: readonly LiveEventType[] = [
  'telemetry.stored',
  'device.event',
  'device.active',
  'device.inactive',
];

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
        // Parsed against the contract: a message of another shape is dropped, not drawn half-read.
        const data: unknown = JSON.parse(event.data);
        const parsed = liveMessage.safeParse({ type, data });
        if (parsed.success) handler.current(parsed.data);
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
