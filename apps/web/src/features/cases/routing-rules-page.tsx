import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { handlerRoles, type RoutingRule } from '@civitas/contracts/cases';
import { call } from '../../app/api-client';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { StatusMessage } from '../../components/status-message';
import { RoutingRuleForm, type RuleDraft } from './routing-rule-form';
import { useCategories } from './use-case-data';
import { TableRegion } from '../../components/table-region';
import { UnitLabel } from '../../components/unit-label';

/** Who gets which cases: rules by category and area, most specific first (see docs/cases.md). */
export default function RoutingRulesPage() {
  const { t, i18n } = useTranslation();
  const rules = useEndpoint(endpoints.caseConfig.rules, {});
  const { categories } = useCategories();
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  usePageTitle(t('cases.rules.title'));
  const categoryName = (id: string | null) => {
    const c = id ? categories.find((x) => x.id === id) : undefined;
    return c ? localizedName(c.name, i18n.language) : t('cases.rules.anyCategory');
  };

  async function save(draft: RuleDraft) {
    const body = {
      categoryId: draft.categoryId || null,
      orgUnitId: draft.orgUnitId,
      targetUnitId: draft.targetUnitId || null,
      targetRole: draft.targetRole,
      targetDepartment:
        draft.targetRole === 'department_staff' && draft.targetDepartment ? draft.targetDepartment : null,
      priority: draft.priority,
      note: draft.note,
    };
    if (editing === 'new') await call(endpoints.caseConfig.createRule, { body });
    else if (editing)
      await call(endpoints.caseConfig.updateRule, {
        params: { id: editing.id },
        body: { ...body, version: editing.version },
      });
    setEditing(null);
    setMessage(t('cases.rules.saved'));
    rules.reload();
  }

  async function remove(rule: RoutingRule) {
    if (!window.confirm(t('cases.rules.confirmDelete'))) return;
    setError(null);
    try {
      await call(endpoints.caseConfig.deleteRule, { params: { id: rule.id } });
      setMessage(t('cases.rules.deleted'));
      rules.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <>
      <h1>{t('cases.rules.title')}</h1>
      <p>{t('cases.rules.intro')}</p>
      <div className="button-row">
        <button type="button" onClick={() => setEditing('new')} data-testid="rule-new">
          {t('cases.rules.create')}
        </button>
      </div>
      <StatusMessage>{rules.loading ? t('common.loading') : message}</StatusMessage>
      <ErrorMessage error={rules.error ?? error} />
      <TableRegion label={t('cases.rules.caption')}>
        <table data-testid="rules-table">
          <caption>{t('cases.rules.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cases.fields.category')}</th>
              <th scope="col">{t('cases.rules.area')}</th>
              <th scope="col">{t('cases.rules.target')}</th>
              <th scope="col">{t('cases.rules.priority')}</th>
              <th scope="col">{t('cases.rules.note')}</th>
              <th scope="col">{t('cases.rules.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.data?.items.map((r) => (
              <tr key={r.id}>
                <td>{categoryName(r.categoryId)}</td>
                <td>
                  <UnitLabel unitId={r.orgUnitId} code={r.orgUnitCode} />
                </td>
                <td>
                  {r.targetUnitId ? (
                    <UnitLabel unitId={r.targetUnitId} code={r.targetUnitCode} />
                  ) : (
                    t('cases.rules.containingGrid')
                  )}{' '}
                  · {t(`roles.${r.targetRole}`)}
                  {r.targetDepartment && ` · ${t(`departments.${r.targetDepartment}`)}`}
                </td>
                <td>{r.priority}</td>
                <td>{r.note}</td>
                <td>
                  <div className="button-row">
                    <button type="button" className="small" onClick={() => setEditing(r)}>
                      {t('cases.rules.edit')}
                    </button>
                    <button type="button" className="small secondary" onClick={() => void remove(r)}>
                      {t('cases.rules.delete')}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {rules.data?.items.length === 0 && <p>{t('cases.rules.none')}</p>}
      <ModalDialog
        open={editing !== null}
        title={editing === 'new' ? t('cases.rules.create') : t('cases.rules.edit')}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <RoutingRuleForm
            initial={editing === 'new' ? null : editing}
            categories={categories}
            roles={handlerRoles}
            onSave={save}
            onCancel={() => setEditing(null)}
          />
        )}
      </ModalDialog>
    </>
  );
}
