import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { urlOf } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { AuditDetail } from './audit-detail';
import {
  AuditFilters,
  auditQueryOf,
  emptyAuditFilter,
  SECURITY_ALERT,
  type AuditFilter,
} from './audit-filters';
import { AuditRowNames } from './audit-row-names';
import { auditLang } from './audit-words';
import { VerifyChain } from './verify-chain';
import { TableRegion } from '../../components/table-region';

const PAGE_SIZE = 50;

export function AuditLogPage() {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>(emptyAuditFilter);
  // Cursors of the pages already seen, so "newer" can step back without a reverse cursor.
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const beforeSeq = cursors[cursors.length - 1] ?? null;
  const query = auditQueryOf(filter);
  const entries = useEndpoint(endpoints.audit.list, { query: { ...query, beforeSeq, limit: PAGE_SIZE } });
  usePageTitle(t('audit.title'));
  const next = entries.data?.nextBeforeSeq ?? null;
  // A plain link: the browser downloads with the session cookie; the server audits the export.
  const exportUrl = urlOf(endpoints.audit.export, { query: { ...query, lang: auditLang(i18n.language) } });

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
      <p className="form-row">
        <a className="button-link" href={exportUrl} download data-testid="audit-export">
          {t('audit.exportCsv')}
        </a>
        <span className="hint">{t('audit.exportHint')}</span>
      </p>
      <StatusMessage>{entries.loading ? t('common.loading') : ''}</StatusMessage>
      <ErrorMessage error={entries.error} />
      <TableRegion label={t('audit.caption')}>
        <table data-testid="audit-table" className="audit-table">
          <caption>{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.object')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.items.map((e) => (
              <tr
                key={e.seq}
                data-action={e.action}
                className={e.action === SECURITY_ALERT ? 'alert-row' : undefined}
              >
                <td>{e.seq}</td>
                <td>{formatDateTime(e.at, i18n.language)}</td>
                <AuditRowNames entry={e} />
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
