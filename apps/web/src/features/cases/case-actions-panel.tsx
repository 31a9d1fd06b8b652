import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseActionName } from '@civitas/contracts/cases';
import { departments } from '@civitas/contracts/roles';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { ErrorMessage } from '../../components/error-message';
import { actOnCase, conflictCurrent, type CaseActionBody, type StaffCase } from './case-api';
import { staffActions } from './case-workflow';
import { AssigneeSelect, useAssignees } from './assignee-select';
import { uploadAttachment } from './case-attachments';
import { PhotoPicker } from './photo-picker';

interface Draft {
  action: CaseActionName | '';
  text: string;
  assigneeId: string;
  toUnitId: string;
  toDepartment: string;
  into: string;
  internal: boolean;
}

const empty: Draft = {
  action: '',
  text: '',
  assigneeId: '',
  toUnitId: '',
  toDepartment: '',
  into: '',
  internal: true,
};
/** Actions whose text field is required (a reason or a resolution note). */
const textRequired = new Set<CaseActionName>([
  'reject',
  'pause',
  'resolve',
  'transfer',
  'escalate',
  'comment',
]);
const noText = new Set<CaseActionName>(['start', 'assign']);

function body(c: StaffCase, d: Draft): CaseActionBody | null {
  const version = c.version;
  const text = d.text.trim();
  const note = text ? { note: text } : {};
  switch (d.action) {
    case 'accept':
    case 'resume':
    case 'supervise':
      return { action: d.action, version, ...note };
    case 'reject':
    case 'pause':
    case 'escalate':
      return { action: d.action, version, reason: text };
    case 'resolve':
      return { action: 'resolve', version, note: text };
    case 'start':
      return { action: 'start', version };
    case 'assign':
      return { action: 'assign', version, assigneeId: d.assigneeId };
    case 'transfer':
      return {
        action: 'transfer',
        version,
        reason: text,
        ...(d.toUnitId ? { toUnitId: d.toUnitId } : {}),
        ...(d.toDepartment ? { toDepartment: d.toDepartment as (typeof departments)[number] } : {}),
      };
    case 'merge':
      return { action: 'merge', version, into: d.into.trim(), ...note };
    case 'comment':
      return { action: 'comment', version, note: text, internal: d.internal };
    default:
      return null;
  }
}

interface Props {
  current: StaffCase;
  onChanged: (c: StaffCase, message: string) => void;
  onConflict: (c: StaffCase) => void;
}

/**
 * The actions allowed in the case's state. Every action sends the version the user saw; on 409 the
 * parent shows the case as it is now and the draft stays here, so the user can check and resend.
 */
export function CaseActionsPanel({ current, onChanged, onConflict }: Props) {
  const { t, i18n } = useTranslation();
  const { units } = useUnits();
  const [draft, setDraft] = useState<Draft>(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [photo, setPhoto] = useState<File | null>(null);
  // Exactly what the server said it would accept from this user (allowedActions, ADR 0046).
  const offered = staffActions.filter((a) => current.allowedActions.includes(a));
  const action = draft.action && offered.includes(draft.action) ? draft.action : '';
  // Only the assign action needs the list, and only the server knows who fits the case.
  const { assignees, error: assigneesError } = useAssignees(action === 'assign' ? [current] : []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const b = body(current, { ...draft, action });
    if (!b) return;
    setBusy(true);
    setError(null);
    try {
      // The photo goes first: a category that demands evidence refuses a resolution without it.
      if (b.action === 'resolve' && photo) {
        await uploadAttachment(current.id, photo, photo.name, 'resolution');
        setPhoto(null);
      }
      const next = await actOnCase(current.id, b);
      if (next.view === 'staff')
        onChanged(next, t('cases.actions.done', { action: t(`cases.action.${b.action}`) }));
      setDraft(empty);
    } catch (e) {
      const now = conflictCurrent(e);
      if (now && now.view === 'staff') onConflict(now);
      else setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (offered.length === 0) return <p>{t('cases.actions.none')}</p>;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  return (
    <form
      className="form-stack"
      onSubmit={(e) => void submit(e)}
      data-testid="case-actions"
      aria-labelledby="actions-heading"
    >
      <h2 id="actions-heading">{t('cases.actions.title')}</h2>
      <div className="field">
        <label htmlFor="case-action">{t('cases.actions.choose')}</label>
        <select
          id="case-action"
          value={action}
          required
          onChange={(e) => set({ action: e.target.value as CaseActionName | '' })}
        >
          <option value="">{t('cases.actions.placeholder')}</option>
          {offered.map((a) => (
            <option key={a} value={a}>
              {t(`cases.action.${a}`)}
            </option>
          ))}
        </select>
      </div>
      {action === 'assign' && (
        <div className="field">
          <label htmlFor="case-assignee">{t('cases.fields.assignee')}</label>
          <AssigneeSelect
            id="case-assignee"
            assignees={assignees}
            value={draft.assigneeId}
            onChange={(id) => set({ assigneeId: id })}
          />
          <ErrorMessage error={assigneesError} />
        </div>
      )}
      {action === 'transfer' && (
        <>
          <div className="field">
            <label htmlFor="case-to-unit">{t('cases.fields.toUnit')}</label>
            <select
              id="case-to-unit"
              value={draft.toUnitId}
              onChange={(e) => set({ toUnitId: e.target.value })}
            >
              <option value="">{t('cases.actions.sameUnit')}</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {localizedName(u.name, i18n.language)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="case-to-dept">{t('cases.fields.toDepartment')}</label>
            <select
              id="case-to-dept"
              value={draft.toDepartment}
              onChange={(e) => set({ toDepartment: e.target.value })}
            >
              <option value="">{t('cases.actions.categoryDepartment')}</option>
              {departments.map((d) => (
                <option key={d} value={d}>
                  {t(`departments.${d}`)}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      {action === 'merge' && (
        <div className="field">
          <label htmlFor="case-merge-into">{t('cases.fields.mergeInto')}</label>
          <input
            id="case-merge-into"
            required
            value={draft.into}
            onChange={(e) => set({ into: e.target.value })}
          />
          <span className="hint">{t('cases.actions.mergeHelp')}</span>
        </div>
      )}
      {action && !noText.has(action) && (
        <div className="field">
          <label htmlFor="case-action-text">
            {t(textRequired.has(action) ? `cases.actionText.${action}` : 'cases.actionText.note')}
          </label>
          <textarea
            id="case-action-text"
            rows={3}
            maxLength={2000}
            required={textRequired.has(action)}
            value={draft.text}
            onChange={(e) => set({ text: e.target.value })}
          />
        </div>
      )}
      {action === 'resolve' && (
        <PhotoPicker
          id="case-resolve-photo"
          photo={photo}
          onChange={setPhoto}
          required={current.requiresPhoto}
        />
      )}
      {action === 'comment' && (
        <div className="field-check">
          <input
            id="case-internal"
            type="checkbox"
            checked={draft.internal}
            onChange={(e) => set({ internal: e.target.checked })}
          />
          <label htmlFor="case-internal">{t('cases.actions.internal')}</label>
        </div>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy || !action} data-testid="case-action-submit">
        {busy ? t('cases.actions.sending') : t('cases.actions.apply')}
      </button>
    </form>
  );
}
