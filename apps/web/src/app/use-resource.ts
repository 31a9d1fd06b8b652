import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from './api-client';

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

/**
 * Loads one API path and keeps the answer keyed by that path, so a change of path or a reload
 * shows "loading" without setting state synchronously inside the effect.
 */
export function useResource<T>(path: string | null): Resource<T> {
  const [generation, setGeneration] = useState(0);
  const key = path === null ? '' : `${generation}:${path}`;
  const [loaded, setLoaded] = useState<Loaded<T>>({ key: '', data: null, error: null });

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (data) => setLoaded({ key, data, error: null }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ key, data: null, error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [path, key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = loaded.key === key && path !== null;
  // While a reload of the same path is in flight, keep showing the previous answer.
  const samePath = path !== null && loaded.key.slice(loaded.key.indexOf(':') + 1) === path;
  return {
    data: current || samePath ? loaded.data : null,
    error: current ? loaded.error : null,
    loading: path !== null && !current,
    reload,
  };
}
