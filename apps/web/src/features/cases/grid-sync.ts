import { endpoints } from '@civitas/contracts/endpoints';
import { ApiError, call } from '../../app/api-client';
import { problemFacts } from '../../components/error-message';
import { conflictCurrent, type AnyCase } from './case-api';
import { uploadAttachment } from './case-attachments';
import { listEntries, removeEntry, saveEntry, type QueueEntry, type QueuedWork } from './offline-queue';

export interface SyncResult {
  sent: number;
  offline: boolean;
}

/**
 * Sends the queue in order. A stale version (409) parks the entry as a conflict with the case as it
 * is now, and everything queued after it for the same case waits with it: nothing is resent on top
 * of a change the worker has not seen. A network failure stops the run; the next one retries.
 */
export async function syncQueue(userId: string): Promise<SyncResult> {
  const entries = await listEntries(userId);
  const blocked = new Set<string>();
  let sent = 0;
  for (const entry of entries) {
    const caseId = entry.work.kind === 'action' ? entry.work.caseId : null;
    if (entry.status !== 'pending') {
      if (caseId) blocked.add(caseId);
      continue;
    }
    if (caseId && blocked.has(caseId)) continue;
    try {
      const result = await send(entry);
      await removeEntry(entry.id);
      sent += 1;
      // Work queued after this on the same case now builds on the version the server just gave.
      if (caseId) await rebase(entries, entry, caseId, result.version);
    } catch (error) {
      if (!(error instanceof ApiError)) return { sent, offline: true };
      const current = conflictCurrent(error);
      await saveEntry({
        ...entry,
        status: current ? 'conflict' : 'failed',
        detail: current ?? {
          status: error.status,
          title: error.problem?.title ?? error.message,
          ...problemFacts(error.problem),
        },
      } satisfies QueueEntry);
      if (caseId) blocked.add(caseId);
    }
  }
  return { sent, offline: false };
}

async function send(entry: QueueEntry): Promise<AnyCase> {
  const work = entry.work;
  if (work.kind === 'create') {
    // The sourceRef makes a resend answer with the case made the first time, so a photo whose
    // upload failed goes to that case and no second case is made.
    const made = await call(endpoints.cases.create, { body: { ...work.body, sourceRef: entry.id } });
    await sendPhoto(entry, work, made.id);
    return made;
  }
  await sendPhoto(entry, work, work.caseId);
  return call(endpoints.cases.act, { params: { id: work.caseId }, body: work.body });
}

async function sendPhoto(entry: QueueEntry, work: QueuedWork, caseId: string) {
  if (!work.photo || work.photo.sent) return;
  await uploadAttachment(caseId, work.photo.blob, work.photo.name, work.photo.purpose);
  // Persisted at once: if the action then fails or conflicts, the photo is not sent again.
  work.photo = { ...work.photo, sent: true };
  await saveEntry(entry);
}

/**
 * A chained entry was queued right behind another action on the same case (accept, then assign,
 * then start); it was never meant to check against a change by someone else in between. It is
 * persisted, so a network drop between the two does not turn the second into a false conflict.
 */
async function rebase(entries: QueueEntry[], done: QueueEntry, caseId: string, version: number) {
  const next = entries.find(
    (e) => e.seq > done.seq && e.status === 'pending' && e.work.kind === 'action' && e.work.caseId === caseId,
  );
  if (!next || next.work.kind !== 'action' || !next.work.chained) return;
  next.work = { ...next.work, chained: false, body: { ...next.work.body, version } };
  await saveEntry(next);
}
