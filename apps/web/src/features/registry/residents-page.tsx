import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/auth-context';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager, useCountText } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import { IdentifierSearch, type SearchResult } from './identifier-search';
import { NameSearch } from './name-search';
import { ResidentDuplicates } from './resident-duplicates';
import { emptyFilter, ResidentFilters, type ResidentFilter } from './resident-filters';
import { ResidentsTable } from './residents-table';
import { useRevealCovers } from './reveal-scope';

const PAGE_SIZE = 20;

export function ResidentsPage() {
  const { t, i18n } = useTranslation();
  const canImport = useCan('resident.import');
  const { selectedUnitId, unitsById } = useUnits();
  const canSearch = useRevealCovers(selectedUnitId);
  const countText = useCountText();
  // A filter belongs to the unit it was set in (its grid and building lie there).
  const [filterIn, setFilter] = useState<{ unit: string | null; filter: ResidentFilter }>({
    unit: null,
    filter: emptyFilter,
  });
  const filter = filterIn.unit === selectedUnitId ? filterIn.filter : emptyFilter;
  const [paging, setPaging] = useState({ key: '', offset: 0 });
  // A search result belongs to the unit it was asked in; another unit shows the list again.
  const [found, setFound] = useState<{ unit: string | null; result: SearchResult } | null>(null);
  usePageTitle(t('residents.title'));

  // A new unit or filter starts again from the first page.
  const filterKey = `${selectedUnitId ?? ''}|${JSON.stringify(filter)}`;
  const offset = paging.key === filterKey ? paging.offset : 0;
  const search = found && found.unit === selectedUnitId ? found.result : null;
  const residents = useEndpoint(
    endpoints.residents.list,
    search
      ? null
      : {
          query: {
            unitId: filter.gridId || selectedUnitId || undefined,
            flag: filter.flag || undefined,
            buildingId: filter.buildingId || undefined,
            householdId: filter.householdId || undefined,
            limit: PAGE_SIZE,
            offset,
          },
        },
  );
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
      <NameSearch
        unitId={selectedUnitId}
        onResult={(result) => setFound({ unit: selectedUnitId, result: { ...result, field: 'name' } })}
      />
      {canSearch && (
        <IdentifierSearch
          unitId={selectedUnitId}
          onResult={(result) => setFound({ unit: selectedUnitId, result })}
        />
      )}
      {search ? (
        <>
          <StatusMessage>
            {t('identifierSearch.results', {
              field: t(`residents.${search.field}`),
              count: search.items.length,
            })}
            {search.truncated ? ` ${t('identifierSearch.truncated', { count: search.items.length })}` : ''}
          </StatusMessage>
          <p>
            <button type="button" className="secondary" onClick={() => setFound(null)}>
              {t('identifierSearch.back')}
            </button>
          </p>
          <ResidentsTable items={search.items} />
        </>
      ) : (
        <>
          <ResidentFilters
            key={selectedUnitId ?? ''}
            onApply={(f) => setFilter({ unit: selectedUnitId, filter: f })}
          />
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
          <ResidentsTable items={residents.data?.items ?? []} />
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
      )}
      <ResidentDuplicates />
    </>
  );
}
