import { endpoints } from '@civitas/contracts/endpoints';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { buildQuery, type CallInput } from '../../app/api-client';
import { useCan } from '../../app/auth-context';
import { caseTitle, formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusMessage } from '../../components/status-message';
import type { StaffCase } from './case-api';
import { CaseMap, type MapMarker } from './case-map';
import { BulkAssign } from './bulk-assign';
import { filterFromParams, filterKeys, InboxFilters, type InboxFilter } from './inbox-filters';
import { SavedViewsPanel } from './saved-views-panel';
import { useCategories, useMapConfig } from './use-case-data';
import { TableRegion } from '../../components/table-region';
import { UnitLabel } from '../../components/unit-label';

type CaseListInput = NonNullable<CallInput<typeof endpoints.cases.list>['query']>;

const PAGE_SIZE = 25;

/** The staff inbox: filters in the URL (so views can be saved and shared), a list or a map, bulk assign. */
export default function InboxPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const canHandle = useCan('case.handle');
  const [params, setParams] = useSearchParams();
  const { categories } = useCategories();
  const mapConfig = useMapConfig();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [showMap, setShowMap] = useState(false);
  usePageTitle(t('cases.inbox.title'));

  const filter = useMemo(() => filterFromParams(params), [params]);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const filterQuery = buildQuery({ ...filter }).replace(/^\?/, '');
  const cases = useEndpoint(endpoints.cases.list, {
    // The filter comes from the address bar as text; the server checks each value.
    query: { ...(filter as CaseListInput), limit: PAGE_SIZE, offset },
  });
  const items = (cases.data?.items ?? []).filter((c): c is StaffCase => c.view === 'staff');
  // Bulk assign offers only the cases the server would let this user assign.
  const assignable = items.filter((c) => c.allowedActions.includes('assign'));
  const chosen = assignable.filter((c) => selected.has(c.id));
  const markers = useMemo<MapMarker[]>(
    () =>
      items.map((c) => ({
        id: c.id,
        lat: c.location.coordinates[1],
        lng: c.location.coordinates[0],
        label: `${c.ref} ${caseTitle(c, i18n.language)} (${t(`cases.state.${c.state}`)})`,
        urgent: c.overdue || c.supervised,
      })),
    // Markers follow the loaded page; the language only changes their labels.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [cases.data, i18n.language],
  );

  function apply(f: InboxFilter | string) {
    const next = new URLSearchParams(typeof f === 'string' ? f : '');
    if (typeof f !== 'string') for (const k of filterKeys) if (f[k]) next.set(k, f[k]);
    setSelected(new Set());
    setParams(next);
  }

  function toggle(id: string) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  const allOnPage = assignable.length > 0 && assignable.every((c) => selected.has(c.id));

  return (
    <>
      <h1>{t('cases.inbox.title')}</h1>
      <div className="button-row">{canHandle && <Link to="/cases/hotline">{t('nav.caseHotline')}</Link>}</div>
      <InboxFilters value={filter} categories={categories} onApply={apply} />
      <SavedViewsPanel query={filterQuery} onApply={apply} />
      <StatusMessage>
        {cases.loading
          ? t('common.loading')
          : cases.data
            ? t('cases.count', { count: cases.data.total })
            : ''}
      </StatusMessage>
      <ErrorMessage error={cases.error} />
      <div className="button-row">
        <button
          type="button"
          className="secondary"
          aria-pressed={showMap}
          onClick={() => setShowMap(!showMap)}
        >
          {t('cases.inbox.showMap')}
        </button>
      </div>
      {showMap && mapConfig.ready && (
        <CaseMap
          label={t('cases.inbox.mapLabel')}
          tileUrl={mapConfig.tileUrl}
          tileAttribution={mapConfig.tileAttribution}
          markers={markers}
          onMarkerClick={(id) => void navigate(`/cases/${id}`)}
          testId="inbox-map"
        />
      )}
      {canHandle && <BulkAssign selected={chosen} onDone={cases.reload} />}
      <TableRegion label={t('cases.inbox.caption')}>
        <table data-testid="inbox-table">
          <caption>{t('cases.inbox.caption')}</caption>
          <thead>
            <tr>
              {canHandle && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t('cases.inbox.selectAll')}
                    checked={allOnPage}
                    onChange={() => setSelected(allOnPage ? new Set() : new Set(assignable.map((c) => c.id)))}
                  />
                </th>
              )}
              <th scope="col">{t('cases.fields.ref')}</th>
              <th scope="col">{t('cases.fields.title')}</th>
              <th scope="col">{t('cases.fields.state')}</th>
              <th scope="col">{t('cases.fields.category')}</th>
              <th scope="col">{t('cases.fields.unit')}</th>
              <th scope="col">{t('cases.fields.channel')}</th>
              <th scope="col">{t('cases.fields.assignee')}</th>
              <th scope="col">{t('cases.fields.resolutionDue')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-case-id={c.id}>
                {canHandle && (
                  <td>
                    {c.allowedActions.includes('assign') && (
                      <input
                        type="checkbox"
                        aria-label={t('cases.inbox.select', { ref: c.ref })}
                        checked={selected.has(c.id)}
                        onChange={() => toggle(c.id)}
                      />
                    )}
                  </td>
                )}
                <th scope="row">
                  <Link to={`/cases/${c.id}`}>{c.ref}</Link>
                </th>
                <td>{caseTitle(c, i18n.language)}</td>
                <td>
                  {t(`cases.state.${c.state}`)}
                  {c.overdue && <span className="badge badge-overdue">{t('cases.overdue')}</span>}
                  {c.supervised && <span className="badge badge-supervised">{t('cases.supervised')}</span>}
                </td>
                <td>{localizedName(c.category.name, i18n.language)}</td>
                <td>
                  <UnitLabel
                    unitId={c.responsible.unit.id}
                    code={c.responsible.unit.code}
                    name={c.responsible.unit.name}
                  />
                </td>
                <td>{t(`cases.channel.${c.channel}`)}</td>
                <td>{c.assignee?.name ?? '—'}</td>
                <td>{formatDateTime(c.resolutionDueAt, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {cases.data && (
        <Pager
          total={cases.data.total}
          limit={PAGE_SIZE}
          offset={offset}
          onChange={(next) => {
            const p = new URLSearchParams(params);
            p.set('offset', String(next));
            setParams(p);
          }}
        />
      )}
    </>
  );
}
