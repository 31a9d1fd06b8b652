import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseCategory, CategoryInput } from '@civitas/contracts/cases';
import { call } from '../../app/api-client';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { StatusMessage } from '../../components/status-message';
import { CategoryForm } from './category-form';
import { TableRegion } from '../../components/table-region';

/** The category tree with its deadlines, department and evidence rule, as routing uses them. */
export default function CategoriesPage() {
  const { t, i18n } = useTranslation();
  const res = useEndpoint(endpoints.caseConfig.categories, {});
  const [editing, setEditing] = useState<CaseCategory | 'new' | null>(null);
  const [message, setMessage] = useState('');
  usePageTitle(t('cases.categories.title'));
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  const items = res.data?.items ?? [];
  const editingId = editing !== null && editing !== 'new' ? editing.id : null;
  const parents = items.filter((c) => c.parentId === null && c.id !== editingId);

  async function save(input: Omit<CategoryInput, 'attributes' | 'sort'>) {
    if (editing === 'new') {
      await call(endpoints.caseConfig.createCategory, { body: input });
    } else if (editing) {
      const { code: _code, ...patch } = input;
      await call(endpoints.caseConfig.updateCategory, {
        params: { id: editing.id },
        body: { ...patch, version: editing.version },
      });
    }
    setEditing(null);
    setMessage(t('cases.categoryForm.saved', { name: localizedName(input.name, i18n.language) }));
    res.reload();
  }

  return (
    <>
      <h1>{t('cases.categories.title')}</h1>
      <div className="button-row">
        <button type="button" onClick={() => setEditing('new')} data-testid="category-new">
          {t('cases.categoryForm.create')}
        </button>
      </div>
      <StatusMessage>{res.loading ? t('common.loading') : message}</StatusMessage>
      <ErrorMessage error={res.error} />
      <TableRegion label={t('cases.categories.caption')}>
        <table data-testid="categories-table">
          <caption>{t('cases.categories.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cases.categories.name')}</th>
              <th scope="col">{t('cases.categories.code')}</th>
              <th scope="col">{t('cases.categories.department')}</th>
              <th scope="col">{t('cases.categories.response')}</th>
              <th scope="col">{t('cases.categories.resolution')}</th>
              <th scope="col">{t('cases.categories.photo')}</th>
              <th scope="col">{t('cases.categories.radius')}</th>
              <th scope="col">{t('cases.categories.active')}</th>
              <th scope="col">{t('cases.rules.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-code={c.code}>
                <th scope="row">
                  {c.parentId ? '\u00a0\u00a0\u00a0\u00a0' : ''}
                  {localizedName(c.name, i18n.language)}{' '}
                  <span className="muted" lang={other}>
                    ({c.name[other]})
                  </span>
                </th>
                <td>{c.code}</td>
                <td>{c.department ? t(`departments.${c.department}`) : '—'}</td>
                <td>{t('cases.categories.hours', { count: c.responseHours })}</td>
                <td>{t('cases.categories.hours', { count: c.resolutionHours })}</td>
                <td>{c.requiresPhoto ? t('common.yes') : t('common.no')}</td>
                <td>{c.duplicateRadiusM} m</td>
                <td>{c.active ? t('common.yes') : t('common.no')}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    aria-label={t('cases.categoryForm.editNamed', {
                      name: localizedName(c.name, i18n.language),
                    })}
                    onClick={() => setEditing(c)}
                  >
                    {t('cases.categoryForm.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      <ModalDialog
        open={editing !== null}
        title={editing === 'new' ? t('cases.categoryForm.create') : t('cases.categoryForm.edit')}
        onClose={() => setEditing(null)}
      >
        {editing !== null && (
          <CategoryForm
            initial={editing === 'new' ? null : editing}
            parents={parents}
            onSave={save}
            onCancel={() => setEditing(null)}
          />
        )}
      </ModalDialog>
    </>
  );
}
