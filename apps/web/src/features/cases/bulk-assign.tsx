import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/error-message';
import { actOnCase, type StaffCase } from './case-api';
import { AssigneeSelect, useAssignees } from './assignee-select';

/**
 * Assigns every selected case to one person, each with the version the inbox showed; a case that
 * changed meanwhile is reported, not overwritten.
 */
export function BulkAssign({ selected, onDone }: { selected: StaffCase[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { assignees, error: assigneesError } = useAssignees(selected);
  const [assigneeId, setAssigneeId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: number; failed: { ref: string; error: unknown }[] } | null>(
    null,
  );

  async function run() {
    setBusy(true);
    let ok = 0;
    const failed: { ref: string; error: unknown }[] = [];
    for (const c of selected) {
      try {
        await actOnCase(c.id, { action: 'assign', version: c.version, assigneeId });
        ok += 1;
      } catch (error) {
        failed.push({ ref: c.ref, error });
      }
    }
    setResult({ ok, failed });
    setBusy(false);
    onDone();
  }

  return (
    <section aria-labelledby="bulk-heading" className="panel bulk">
      <h2 id="bulk-heading">{t('cases.bulk.title')}</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor="bulk-assignee">{t('cases.fields.assignee')}</label>
          <AssigneeSelect
            id="bulk-assignee"
            assignees={assignees}
            value={assigneeId}
            onChange={setAssigneeId}
          />
        </div>
        <button
          type="button"
          disabled={busy || !assigneeId || selected.length === 0}
          onClick={() => void run()}
        >
          {t('cases.bulk.assign', { count: selected.length })}
        </button>
      </div>
      <ErrorMessage error={assigneesError} />
      <div role="status" aria-live="polite" data-testid="bulk-result">
        {result && t('cases.bulk.result', { ok: result.ok, failed: result.failed.length })}
      </div>
      {result?.failed.map((f) => (
        <div key={f.ref}>
          <p>{f.ref}</p>
          <ErrorMessage error={f.error} />
        </div>
      ))}
    </section>
  );
}
