import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { caseTitle, localizedName } from '../../app/localized';
import type { StaffCase } from './case-api';
import { projectOffers } from '@civitas/contracts/case-workflow';
import { PhotoPicker } from './photo-picker';
import type { QueueEntry, QueuedWork } from './offline-queue';

interface Props {
  task: StaffCase;
  meId: string;
  queued: QueueEntry[];
  onWork: (work: QueuedWork[]) => Promise<void>;
}

/** One task with the next step for it; queued steps show at once, marked as not yet sent. */
export function TaskCard({ task, meId, queued, onWork }: Props) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<'none' | 'update' | 'resolve'>('none');
  const [text, setText] = useState('');
  const [publicNote, setPublicNote] = useState(false);
  const [photo, setPhoto] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  // What the server offered, carried over the work still waiting to be sent.
  const { state, allowed } = projectOffers(
    { state: task.state, pausedFrom: task.pausedFrom },
    task.allowedActions,
    queued.flatMap((e) => (e.work.kind === 'action' ? [e.work.body.action] : [])),
    task.claimable,
  );
  // Accepting a new task and taking it is one tap for whoever may take it.
  const takeAfterAccept = task.claimable;
  const can = (a: Parameters<typeof allowed.has>[0]) => allowed.has(a);
  const photoMissing = mode === 'resolve' && task.requiresPhoto && !photo;
  const waiting = queued.filter((e) => e.status === 'pending').length;
  const action = (body: Extract<QueuedWork, { kind: 'action' }>['body']): QueuedWork => ({
    kind: 'action',
    caseId: task.id,
    ref: task.ref,
    body,
    chained: false,
  });
  const v = task.version;

  async function run(work: QueuedWork[]) {
    setBusy(true);
    try {
      await onWork(work);
      setMode('none');
      setText('');
      setPhoto(null);
    } finally {
      setBusy(false);
    }
  }

  function submitText(e: FormEvent) {
    e.preventDefault();
    const note = text.trim();
    if (!note) return;
    if (mode === 'resolve') {
      // The category's rule travels with the task: no evidence, nothing queued.
      if (photoMissing) return;
      const work = action({ action: 'resolve', version: v, note });
      // The photo rides in the queue with the resolution and is uploaded just before it.
      void run([
        work.kind === 'action' && photo
          ? { ...work, photo: { blob: photo, name: photo.name, purpose: 'resolution', sent: false } }
          : work,
      ]);
    } else void run([action({ action: 'comment', version: v, note, internal: !publicNote })]);
  }

  const take = [
    action({ action: 'assign', version: v, assigneeId: meId }),
    action({ action: 'start', version: v }),
  ];
  const textId = `task-${task.id}-text`;

  return (
    <li className="task-card" data-case-id={task.id} data-state={state}>
      <p>
        <Link to={`/cases/${task.id}`}>
          <strong>{task.ref}</strong> {caseTitle(task, i18n.language)}
        </Link>
      </p>
      <p>
        <span className={`badge state-${state}`} data-testid="task-state">
          {t(`cases.state.${state}`)}
        </span>
        {task.overdue && <span className="badge badge-overdue">{t('cases.overdue')}</span>}
        {task.supervised && <span className="badge badge-supervised">{t('cases.supervised')}</span>}
        {task.requiresPhoto && allowed.size > 0 && !['resolved', 'closed'].includes(state) && (
          <span className="badge badge-photo" data-testid="task-photo-required">
            {t('grid.resolvePhotoRequired')}
          </span>
        )}
        {waiting > 0 && (
          <span className="badge badge-queued" data-testid="task-queued">
            {t('grid.queuedOnTask', { count: waiting })}
          </span>
        )}
      </p>
      <p className="muted">
        {localizedName(task.category.name, i18n.language)}
        {task.address ? ` · ${task.address}` : ''}
      </p>
      {task.description && <p>{task.description}</p>}
      <div className="button-row">
        {can('accept') && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run([action({ action: 'accept', version: v }), ...(takeAfterAccept ? take : [])])
            }
          >
            {takeAfterAccept ? t('grid.accept') : t('cases.action.accept')}
          </button>
        )}
        {can('claim') && !can('accept') && (
          <button type="button" disabled={busy} onClick={() => void run(take)}>
            {t('grid.take')}
          </button>
        )}
        {can('start') && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run([action({ action: 'start', version: v })])}
          >
            {t('grid.start')}
          </button>
        )}
        {can('resume') && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run([action({ action: 'resume', version: v })])}
          >
            {t('cases.action.resume')}
          </button>
        )}
        {can('comment') && (
          <button
            type="button"
            className="secondary"
            aria-expanded={mode === 'update'}
            onClick={() => setMode(mode === 'update' ? 'none' : 'update')}
          >
            {t('grid.update')}
          </button>
        )}
        {can('resolve') && (
          <button
            type="button"
            aria-expanded={mode === 'resolve'}
            onClick={() => setMode(mode === 'resolve' ? 'none' : 'resolve')}
          >
            {t('grid.resolve')}
          </button>
        )}
        {allowed.size === 0 && (
          <p className="muted" data-testid="task-held-elsewhere">
            {t('grid.heldElsewhere', { unit: localizedName(task.responsible.unit.name, i18n.language) })}
          </p>
        )}
      </div>
      {mode !== 'none' && (
        <form className="form-stack" onSubmit={submitText}>
          <div className="field">
            <label htmlFor={textId}>
              {mode === 'resolve' ? t('cases.actionText.resolve') : t('grid.updateNote')}
            </label>
            <textarea
              id={textId}
              rows={3}
              maxLength={2000}
              required
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          {mode === 'resolve' && (
            <PhotoPicker
              id={`${textId}-photo`}
              photo={photo}
              onChange={setPhoto}
              required={task.requiresPhoto}
            />
          )}
          {photoMissing && (
            <p className="hint" data-testid="photo-required-note">
              {t('grid.photoRequired')}
            </p>
          )}
          {mode === 'update' && (
            <div className="field-check">
              <input
                id={`${textId}-public`}
                type="checkbox"
                checked={publicNote}
                onChange={(e) => setPublicNote(e.target.checked)}
              />
              <label htmlFor={`${textId}-public`}>{t('grid.publicNote')}</label>
            </div>
          )}
          <button type="submit" disabled={busy || !text.trim() || photoMissing}>
            {mode === 'resolve' ? t('grid.sendResolve') : t('grid.sendUpdate')}
          </button>
        </form>
      )}
    </li>
  );
}
