import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { AuditDetail } from './audit-detail';
import { AuditFilters, emptyAuditFilter, SECURITY_ALERT, type AuditFilter } from './audit-filters';
import { VerifyChain } from './verify-chain';
import { TableRegion } from '../../components/table-region';

const PAGE_SIZE = 50;

export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>(emptyAuditFilter);
  // Cursors of the pages already seen, so "newer" can step back without a reverse cursor.
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const beforeSeq = cursors[cursors.length - 1] ?? null;
  const entries = useEndpoint(endpoints.audit.list, { query: { ...filter, beforeSeq, limit: PAGE_SIZE } });
  usePageTitle(t('audit.title'));
  const next = entries.data?.nextBeforeSeq ?? null;

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <VerifyChain />
      <AuditFilters
        onApply={(f) => {
          setFilter(f);
          setCursors([null]);
        }}
      />
      <StatusMessage>{entries.loading ? t('common.loading') : ''}</StatusMessage>
      <ErrorMessage error={entries.error} />
      <TableRegion label={t('audit.caption')}>
        <table data-testid="audit-table">
          <caption>{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.targetType')}</th>
              <th scope="col">{t('audit.targetId')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.items.map((e) => (
              <tr key={e.seq} className={e.action === SECURITY_ALERT ? 'alert-row' : undefined}>
                <td>{e.seq}</td>
                <td>{formatDateTime(e.at, i18n.language)}</td>
                <td>{e.actorName ?? '—'}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.targetType ?? '—'}</td>
                <td className="break">{e.targetId ?? '—'}</td>
                <td className="break">
                  <AuditDetail entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {entries.data?.items.length === 0 && <p>{t('audit.none')}</p>}
      <nav className="pager" aria-label={t('pager.label')}>
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('audit.newer')}
        </button>
        <button type="button" disabled={next === null} onClick={() => setCursors([...cursors, next])}>
          {t('audit.older')}
        </button>
      </nav>
    </>
  );
}
