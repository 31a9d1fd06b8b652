import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { CaseState } from '@civitas/contracts/cases';
import { caseTitle, localizedName } from '../../app/localized';
import type { StaffCase } from './case-api';
import { projectedState } from './case-workflow';
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
  const state: CaseState = queued.reduce<CaseState>(
    (s, e) => (e.work.kind === 'action' ? projectedState(s, e.work.body.action) : s),
    task.state,
  );
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
        {state === 'submitted' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run([action({ action: 'accept', version: v }), ...take])}
          >
            {t('grid.accept')}
          </button>
        )}
        {(state === 'accepted' || state === 'reopened') && (
          <button type="button" disabled={busy} onClick={() => void run(take)}>
            {t('grid.take')}
          </button>
        )}
        {state === 'assigned' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run([action({ action: 'start', version: v })])}
          >
            {t('grid.start')}
          </button>
        )}
        {state === 'pending_info' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run([action({ action: 'resume', version: v })])}
          >
            {t('cases.action.resume')}
          </button>
        )}
        {state !== 'resolved' && state !== 'closed' && (
          <button
            type="button"
            className="secondary"
            aria-expanded={mode === 'update'}
            onClick={() => setMode(mode === 'update' ? 'none' : 'update')}
          >
            {t('grid.update')}
          </button>
        )}
        {state === 'in_progress' && (
          <button
            type="button"
            aria-expanded={mode === 'resolve'}
            onClick={() => setMode(mode === 'resolve' ? 'none' : 'resolve')}
          >
            {t('grid.resolve')}
          </button>
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
          {mode === 'resolve' && <PhotoPicker id={`${textId}-photo`} photo={photo} onChange={setPhoto} />}
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
          <button type="submit" disabled={busy || !text.trim()}>
            {mode === 'resolve' ? t('grid.sendResolve') : t('grid.sendUpdate')}
          </button>
        </form>
      )}
    </li>
  );
}
