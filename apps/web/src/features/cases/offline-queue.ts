import type { AttachmentPurpose, CaseAction, CreateCase } from '@civitas/contracts/cases';
import type { AnyCase } from '@civitas/contracts/endpoints/cases';
import type { ProblemFacts } from '../../components/error-message';

/**
 * A photo taken with an action (evidence of a resolution). IndexedDB keeps the Blob itself, so the
 * photo survives a reload offline; `sent` is set once the upload succeeded, so a retry of the
 * action after a conflict never uploads it twice.
 */
export interface QueuedPhoto {
  blob: Blob;
  name: string;
  purpose: AttachmentPurpose;
  sent: boolean;
}

/**
 * Work a grid worker did that the server has not confirmed yet, kept in IndexedDB so it survives a
 * reload or a closed tab. Every action goes through here, online or not: queue first, then send.
 */
export type QueuedWork =
  | {
      kind: 'action';
      caseId: string;
      ref: string;
      body: CaseAction;
      chained: boolean;
      /** Uploaded before the action: a category demanding evidence refuses a resolve without it. */
      photo?: QueuedPhoto;
    }
  | {
      kind: 'create';
      body: CreateCase;
      /** A patrol finding's photo, uploaded to the case once the server made it. */
      photo?: QueuedPhoto;
    };

export type EntryStatus = 'pending' | 'conflict' | 'failed';

export interface QueueEntry {
  /** Also the sourceRef of a queued case creation, which makes resending it idempotent. */
  id: string;
  userId: string;
  createdAt: string;
  seq: number;
  work: QueuedWork;
  status: EntryStatus;
  /** The server's answer for a conflict or failure: the case as it is now, or the refusal. */
  detail: AnyCase | QueueFailure | null;
}

/**
 * A refusal other than a stale version, as the panel explains it: by its code and values in the
 * worker's language (`title` is the server's English, kept for entries stored before codes were).
 */
export interface QueueFailure extends ProblemFacts {
  status: number;
  title: string;
}

/** The case as it is now, for an entry parked on a stale version. */
export function conflictCase(entry: QueueEntry): AnyCase | null {
  return entry.status === 'conflict' && entry.detail && 'view' in entry.detail ? entry.detail : null;
}

/** Why the server refused an entry that failed. */
export function failureOf(entry: QueueEntry): QueueFailure | null {
  return entry.status === 'failed' && entry.detail && !('view' in entry.detail) ? entry.detail : null;
}

const DB = 'civitas-grid';
const STORE = 'queue';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(STORE, { keyPath: 'id' });
      store.createIndex('userId', 'userId');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export async function listEntries(userId: string): Promise<QueueEntry[]> {
  const all = await run('readonly', (s) => s.index('userId').getAll(userId) as IDBRequest<QueueEntry[]>);
  return all.sort((a, b) => a.seq - b.seq);
}

export async function enqueue(userId: string, work: QueuedWork[]): Promise<QueueEntry[]> {
  const existing = await listEntries(userId);
  let seq = existing.reduce((max, e) => Math.max(max, e.seq), 0);
  const entries = work.map((w): QueueEntry => ({
    id: crypto.randomUUID(),
    userId,
    createdAt: new Date().toISOString(),
    seq: ++seq,
    work: w,
    status: 'pending',
    detail: null,
  }));
  for (const e of entries) await run('readwrite', (s) => s.put(e));
  return entries;
}

export function saveEntry(entry: QueueEntry): Promise<IDBValidKey> {
  return run('readwrite', (s) => s.put(entry));
}

export function removeEntry(id: string): Promise<undefined> {
  return run('readwrite', (s) => s.delete(id));
}
