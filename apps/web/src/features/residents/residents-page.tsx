import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { ResidentMasked } from '@civitas/contracts/registry';
import { buildQuery } from '../../app/api-client';
import { useCan } from '../../app/auth-context';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { useResource } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager, useCountText } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import { FlagBadges } from './flag-badges';
import { emptyFilter, ResidentFilters, type ResidentFilter } from './resident-filters';

interface ResidentPage {
  items: ResidentMasked[];
  total: number;
  /** False when the server stopped counting at 10,000. */
  totalExact: boolean;
  limit: number;
  offset: number;
}

const PAGE_SIZE = 20;

export function ResidentsPage() {
  const { t, i18n } = useTranslation();
  const canImport = useCan('resident.import');
  const { selectedUnitId, unitsById } = useUnits();
  const countText = useCountText();
  const [filter, setFilter] = useState<ResidentFilter>(emptyFilter);
  const [paging, setPaging] = useState({ key: '', offset: 0 });
  usePageTitle(t('residents.title'));

  // A new unit or filter starts again from the first page.
  const filterKey = `${selectedUnitId ?? ''}|${JSON.stringify(filter)}`;
  const offset = paging.key === filterKey ? paging.offset : 0;
  const query = buildQuery({ unitId: selectedUnitId, ...filter, limit: PAGE_SIZE, offset });
  const residents = useResource<ResidentPage>(`/residents${query}`);
  const unit = selectedUnitId ? unitsById.get(selectedUnitId) : undefined;

  return (
    <>
      <h1>{t('residents.title')}</h1>
      {unit && <p>{t('residents.inUnit', { unit: localizedName(unit.name, i18n.language) })}</p>}
      {canImport && (
        <p>
          <Link to="/residents/import">{t('nav.import')}</Link>
        </p>
      )}
      <ResidentFilters onApply={setFilter} />
      <StatusMessage>
        {residents.loading
          ? t('common.loading')
          : residents.data
            ? t('residents.count', {
                count: residents.data.total,
                shown: countText(residents.data.total, residents.data.totalExact),
              })
            : ''}
      </StatusMessage>
      <ErrorMessage error={residents.error} />
      <div className="table-wrap">
        <table data-testid="residents-table">
          <caption>{t('residents.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('residents.name')}</th>
              <th scope="col">{t('residents.phone')}</th>
              <th scope="col">{t('residents.idNumber')}</th>
              <th scope="col">{t('residents.grid')}</th>
              <th scope="col">{t('residents.building')}</th>
              <th scope="col">{t('residents.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {residents.data?.items.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link to={`/residents/${r.id}`}>{r.name}</Link>
                </th>
                <td>{r.phone ?? '—'}</td>
                <td>{r.idNumber ?? '—'}</td>
                <td>{r.gridCode}</td>
                <td>{r.buildingName ?? '—'}</td>
                <td>
                  <FlagBadges flags={r.flags} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {residents.data && (
        <Pager
          total={residents.data.total}
          limit={PAGE_SIZE}
          offset={offset}
          totalExact={residents.data.totalExact}
          pageItems={residents.data.items.length}
          onChange={(next) => setPaging({ key: filterKey, offset: next })}
        />
      )}
    </>
  );
}
