import { useCallback, useEffect, useRef, useState } from 'react';
import {
  conflictCase,
  enqueue,
  listEntries,
  removeEntry,
  saveEntry,
  type QueueEntry,
  type QueuedWork,
} from './offline-queue';
import { syncQueue } from './grid-sync';

const RETRY_MS = 15_000;

export interface GridQueue {
  entries: QueueEntry[];
  online: boolean;
  syncing: boolean;
  lastSynced: number;
  /** How many entries the server has accepted since the page opened. */
  sentTotal: number;
  submit: (work: QueuedWork[]) => Promise<void>;
  discard: (entry: QueueEntry) => Promise<void>;
  /** After seeing the current case, the worker chooses to apply the change to it anyway. */
  reapply: (entry: QueueEntry) => Promise<void>;
  /** Sends a refused entry again as it is (the worker fixed the cause, e.g. attached the photo). */
  retry: (entry: QueueEntry) => Promise<void>;
}

/** The queue of unsent work and its syncing: on start, when the network returns, and on a timer. */
export function useGridQueue(userId: string, onSynced: () => void): GridQueue {
  const [entries, setEntries] = useState<QueueEntry[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [syncing, setSyncing] = useState(false);
  const [lastSynced, setLastSynced] = useState(0);
  const [sentTotal, setSentTotal] = useState(0);
  const running = useRef(false);
  const syncedRef = useRef(onSynced);

  useEffect(() => {
    syncedRef.current = onSynced;
  }, [onSynced]);

  const refresh = useCallback(async () => setEntries(await listEntries(userId)), [userId]);

  const flush = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setSyncing(true);
    try {
      const result = await syncQueue(userId);
      if (!result.offline) setLastSynced(Date.now());
      if (result.sent > 0) {
        setSentTotal((n) => n + result.sent);
        syncedRef.current();
      }
    } finally {
      running.current = false;
      setSyncing(false);
      await refresh();
    }
  }, [userId, refresh]);

  useEffect(() => {
    const goOnline = () => {
      setOnline(true);
      void flush();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener('online', goOnline);
    window.addEventListener('offline', goOffline);
    void flush();
    return () => {
      window.removeEventListener('online', goOnline);
      window.removeEventListener('offline', goOffline);
    };
  }, [flush]);

  const pending = entries.some((e) => e.status === 'pending');
  useEffect(() => {
    // The online event is a hint, not a promise (captive portals, flaky links): retry while work waits.
    if (!pending) return;
    const timer = window.setInterval(() => void flush(), RETRY_MS);
    return () => window.clearInterval(timer);
  }, [pending, flush]);

  const submit = useCallback(
    async (work: QueuedWork[]) => {
      const current = await listEntries(userId);
      // Work on a case that already has unsent work builds on it, not on the version last read.
      const chainedWork = work.map((w, i) =>
        w.kind === 'action' &&
        (i > 0 || current.some((e) => e.work.kind === 'action' && e.work.caseId === w.caseId))
          ? { ...w, chained: true }
          : w,
      );
      await enqueue(userId, chainedWork);
      await refresh();
      await flush();
    },
    [userId, refresh, flush],
  );

  const discard = useCallback(
    async (entry: QueueEntry) => {
      await removeEntry(entry.id);
      await refresh();
      // Work queued behind the discarded entry on the same case goes on at once.
      await flush();
    },
    [refresh, flush],
  );

  const reapply = useCallback(
    async (entry: QueueEntry) => {
      const current = conflictCase(entry);
      if (entry.work.kind !== 'action' || !current) return;
      await saveEntry({
        ...entry,
        status: 'pending',
        detail: null,
        work: { ...entry.work, chained: false, body: { ...entry.work.body, version: current.version } },
      });
      await refresh();
      await flush();
    },
    [refresh, flush],
  );

  const retry = useCallback(
    async (entry: QueueEntry) => {
      await saveEntry({ ...entry, status: 'pending', detail: null });
      await refresh();
      await flush();
    },
    [refresh, flush],
  );

  return { entries, online, syncing, lastSynced, sentTotal, submit, discard, reapply, retry };
}
