import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { UnitLabel } from '../../components/unit-label';

/**
 * ID numbers registered to more than one resident, e.g. after a move between communities. The
 * server lists a group only to whoever can see every record in it (ADR 0021); loaded when opened,
 * as it is a look at personal data like any list.
 */
export function ResidentDuplicates() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const groups = useEndpoint(endpoints.residents.duplicates, open ? { query: { limit: 50 } } : null);

  return (
    <details
      className="duplicates"
      style={{ marginTop: '1.5rem' }}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>{t('duplicates.title')}</summary>
      <p className="muted">{t('duplicates.help')}</p>
      <StatusMessage>
        {groups.loading
          ? t('common.loading')
          : groups.data
            ? t('duplicates.count', { count: groups.data.items.length })
            : ''}
      </StatusMessage>
      <ErrorMessage error={groups.error} />
      {groups.data && groups.data.items.length > 0 && (
        <ul className="duplicate-groups" data-testid="duplicate-groups">
          {groups.data.items.map((g) => (
            <li key={g.residents.map((r) => r.id).join()}>
              <span>{t('duplicates.group', { idNumber: g.idNumber })}</span>
              <ul>
                {g.residents.map((r) => (
                  <li key={r.id}>
                    <Link to={`/residents/${r.id}`}>{r.name}</Link> ·{' '}
                    <UnitLabel unitId={r.gridId} code={r.gridCode} />
                    {r.buildingName ? ` · ${r.buildingName}` : ''}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
