import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCategory, RoutingRule } from '@civitas/contracts/cases';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { departments, type Department } from '@civitas/contracts/roles';
import { localizedName } from '../../app/localized';
import { useMe } from '../../app/auth-context';
import { useUnits } from '../../app/unit-context';
import { ErrorMessage } from '../../components/error-message';
import { ruleUnits } from './rule-targets';
import { useUnitLabel } from '../../components/unit-label';

export interface RuleDraft {
  categoryId: string;
  orgUnitId: string;
  targetUnitId: string;
  targetRole: RoutingRule['targetRole'];
  targetDepartment: Department | '';
  priority: number;
  note: string;
}

interface Props {
  initial: RoutingRule | null;
  categories: CaseCategory[];
  roles: readonly RoutingRule['targetRole'][];
  onSave: (draft: RuleDraft) => Promise<void>;
  onCancel: () => void;
}

export function RoutingRuleForm({ initial, categories, roles, onSave, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const { units, selectedUnitId } = useUnits();
  const unitLabel = useUnitLabel();
  const me = useMe();
  const [draft, setDraft] = useState<RuleDraft>({
    categoryId: initial?.categoryId ?? '',
    orgUnitId: initial?.orgUnitId ?? selectedUnitId ?? '',
    targetUnitId: initial?.targetUnitId ?? '',
    targetRole: initial?.targetRole ?? 'department_staff',
    // A stored rule names one of the departments the form offers.
    targetDepartment: (initial?.targetDepartment ?? '') as Department | '',
    priority: initial?.priority ?? 0,
    note: initial?.note ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (patch: Partial<RuleDraft>) => setDraft({ ...draft, ...patch });
  const { areas, targets } = ruleUnits(units, me.grants, draft.orgUnitId);
  const options = (list: OrgUnit[]) =>
    list.map((u) => (
      <option key={u.id} value={u.id}>
        {unitLabel(u.id)}
      </option>
    ));
  // A target the rule may no longer use (the area changed) is dropped, not silently kept.
  const targetId = targets.some((u) => u.id === draft.targetUnitId) ? draft.targetUnitId : '';

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave({ ...draft, targetUnitId: targetId });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form-stack" onSubmit={(e) => void submit(e)} data-testid="rule-form">
      <div className="field">
        <label htmlFor="rule-category">{t('cases.fields.category')}</label>
        <select
          id="rule-category"
          value={draft.categoryId}
          onChange={(e) => set({ categoryId: e.target.value })}
        >
          <option value="">{t('cases.rules.anyCategory')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.parentId ? '\u00a0\u00a0' : ''}
              {localizedName(c.name, i18n.language)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rule-area">{t('cases.rules.area')}</label>
        <select
          id="rule-area"
          required
          value={draft.orgUnitId}
          onChange={(e) => set({ orgUnitId: e.target.value })}
        >
          <option value="">{t('cases.rules.chooseUnit')}</option>
          {options(areas)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rule-target-unit">{t('cases.rules.targetUnit')}</label>
        <select
          id="rule-target-unit"
          value={targetId}
          onChange={(e) => set({ targetUnitId: e.target.value })}
        >
          <option value="">{t('cases.rules.containingGrid')}</option>
          {options(targets)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rule-role">{t('cases.rules.targetRole')}</label>
        <select
          id="rule-role"
          value={draft.targetRole}
          onChange={(e) => set({ targetRole: e.target.value as RuleDraft['targetRole'] })}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </div>
      {draft.targetRole === 'department_staff' && (
        <div className="field">
          <label htmlFor="rule-department">{t('cases.fields.toDepartment')}</label>
          <select
            id="rule-department"
            value={draft.targetDepartment}
            onChange={(e) => set({ targetDepartment: e.target.value as Department | '' })}
          >
            <option value="">{t('cases.actions.categoryDepartment')}</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {t(`departments.${d}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="rule-priority">{t('cases.rules.priority')}</label>
        <input
          id="rule-priority"
          type="number"
          min={-1000}
          max={1000}
          step={1}
          value={draft.priority}
          onChange={(e) => set({ priority: Number(e.target.value) || 0 })}
        />
      </div>
      <div className="field">
        <label htmlFor="rule-note">{t('cases.rules.note')}</label>
        <input
          id="rule-note"
          maxLength={500}
          value={draft.note}
          onChange={(e) => set({ note: e.target.value })}
        />
      </div>
      <ErrorMessage error={error} />
      <div className="button-row">
        <button type="submit" disabled={busy} data-testid="rule-save">
          {t('cases.rules.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
