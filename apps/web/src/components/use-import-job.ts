import { useEffect, useState } from 'react';
import type { ImportJob } from '@civitas/contracts/registry';
import { endpoints } from '@civitas/contracts/endpoints';
import { call } from '../app/api-client';

const POLL_MS = 500;

/** Follows a running import until the server reports it done or failed. */
export function useImportJob(initial: ImportJob | null): { job: ImportJob | null; error: unknown } {
  const [latest, setLatest] = useState<ImportJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const job = latest && initial && latest.id === initial.id ? latest : initial;
  const id = job?.id ?? null;
  const running = job?.status === 'running';

  useEffect(() => {
    if (!id || !running) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      call(endpoints.imports.get, { params: { id }, signal: controller.signal }).then(
        setLatest,
        (e: unknown) => {
          if (!controller.signal.aborted) setError(e);
        },
      );
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [id, running, job]);

  return { job, error };
}
