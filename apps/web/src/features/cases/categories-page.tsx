import { useTranslation } from 'react-i18next';
import { localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useResource } from '../../app/use-resource';
import type { CaseCategory } from '@civitas/contracts/cases';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';

/** The category tree with its deadlines, department and evidence rule, as routing uses them. */
export default function CategoriesPage() {
  const { t, i18n } = useTranslation();
  const res = useResource<{ items: CaseCategory[] }>('/case-categories');
  usePageTitle(t('cases.categories.title'));
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <>
      <h1>{t('cases.categories.title')}</h1>
      <StatusMessage>{res.loading ? t('common.loading') : ''}</StatusMessage>
      <ErrorMessage error={res.error} />
      <div className="table-wrap">
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
            </tr>
          </thead>
          <tbody>
            {res.data?.items.map((c) => (
              <tr key={c.id}>
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
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
