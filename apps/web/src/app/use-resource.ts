import type { Endpoint, ResponseOf } from '@civitas/contracts/endpoint';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, call, urlOf, type CallInput } from './api-client';

interface Loaded<T> {
  key: string;
  data: T | null;
  error: ApiError | Error | null;
}

export interface Resource<T> {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  reload: () => void;
}

/** Pauses before asking again after a transient failure; then the error is shown. */
const RETRY_DELAYS_MS = [1_000, 3_000, 10_000];

/**
 * Worth asking again: the server was busy or restarting (429, 502, 503 — its request budget
 * included — 504) or the connection failed while the browser is online (fetch's TypeError).
 * Not: anything the answer itself refused.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) return [429, 502, 503, 504].includes(error.status);
  // Offline, asking again cannot help: say so now (the grid app queues its work meanwhile).
  return error instanceof TypeError && navigator.onLine;
}

/**
 * Loads one GET endpoint and keeps the answer keyed by its URL (and `refresh`, a value whose change
 * asks again), so a change of URL or a reload shows "loading" without setting state synchronously
 * inside the effect. `null` input: nothing to load yet. A transient failure is retried three
 * times (after 1, 3 and 10 s) while "loading" shows; other errors show at once.
 */
export function useEndpoint<E extends Endpoint>(
  endpoint: E,
  input: CallInput<E> | null,
  refresh?: string | number,
): Resource<ResponseOf<E>> {
  const url = input === null ? null : `${urlOf(endpoint, input)}#${refresh ?? ''}`;
  const [generation, setGeneration] = useState(0);
  const key = url === null ? '' : `${generation}:${url}`;
  const [loaded, setLoaded] = useState<Loaded<ResponseOf<E>>>({ key: '', data: null, error: null });
  // The input as of this render; the effect runs when its URL changes, not when its object does.
  const latest = useRef(input);
  useEffect(() => {
    latest.current = input;
  });

  useEffect(() => {
    const given = latest.current;
    if (url === null || given === null) return;
    const controller = new AbortController();
    const args = { ...given, signal: controller.signal } as CallInput<E>;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = (n: number) =>
      (call as (e: E, i: CallInput<E>) => Promise<ResponseOf<E>>)(endpoint, args).then(
        (data) => {
          // An answer that completed after its input changed is not the current one.
          if (!controller.signal.aborted) setLoaded({ key, data, error: null });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          // A busy or restarting server, or a dropped connection: ask again before showing an error.
          if (n < RETRY_DELAYS_MS.length && isTransient(error)) {
            timer = setTimeout(() => void attempt(n + 1), RETRY_DELAYS_MS[n]);
            return;
          }
          setLoaded({ key, data: null, error: error instanceof Error ? error : new Error(String(error)) });
        },
      );
    void attempt(0);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [endpoint, url, key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = loaded.key === key && url !== null;
  // While a reload of the same URL is in flight, keep showing the previous answer.
  const sameUrl = url !== null && loaded.key.slice(loaded.key.indexOf(':') + 1) === url;
  return {
    data: current || sameUrl ? loaded.data : null,
    error: current ? loaded.error : null,
    loading: url !== null && !current,
    reload,
  };
}
