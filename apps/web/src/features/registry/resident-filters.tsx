import { endpoints } from '@civitas/contracts/endpoints';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../../app/unit-context';
import { useEndpoint } from '../../app/use-resource';
import { useUnitLabel } from '../../components/unit-label';
import { flagNames, type FlagName } from './flag-badges';

/**
 * Filters of the list: only what identifies nobody (place and flag). Phone and ID number are
 * found through the identifier search, which is a reveal (ADR 0021); names through the name
 * search (ADR 0045). Places are offered by name, never by code, narrowing from grid to building
 * to household; the server refuses a place outside the user's area all the same.
 */
export interface ResidentFilter {
  flag: FlagName | '';
  gridId: string;
  buildingId: string;
  householdId: string;
}

export const emptyFilter: ResidentFilter = { flag: '', gridId: '', buildingId: '', householdId: '' };

/** Grids at or under the selected unit. */
function gridsUnder(units: OrgUnit[], unitId: string | null): OrgUnit[] {
  if (!unitId) return units.filter((u) => u.type === 'grid');
  const byId = new Map(units.map((u) => [u.id, u]));
  const under = (u: OrgUnit): boolean => {
    for (let cur: OrgUnit | undefined = u; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined)
      if (cur.id === unitId) return true;
    return false;
  };
  return units.filter((u) => u.type === 'grid' && under(u));
}

export function ResidentFilters({ onApply }: { onApply: (filter: ResidentFilter) => void }) {
  const { t } = useTranslation();
  const { units, unitsById, selectedUnitId } = useUnits();
  const unitLabel = useUnitLabel();
  const [draft, setDraft] = useState<ResidentFilter>(emptyFilter);
  const grids = useMemo(() => gridsUnder(units, selectedUnitId), [units, selectedUnitId]);
  const selectedIsGrid = selectedUnitId ? unitsById.get(selectedUnitId)?.type === 'grid' : false;
  // Buildings are listed for one grid at a time: a district holds thousands.
  const gridForBuildings = draft.gridId || (selectedIsGrid ? selectedUnitId : null);
  const buildings = useEndpoint(
    endpoints.buildings.list,
    gridForBuildings ? { query: { unitId: gridForBuildings, limit: 200 } } : null,
  );
  const households = useEndpoint(
    endpoints.buildings.households,
    draft.buildingId ? { params: { id: draft.buildingId } } : null,
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(draft);
  }

  return (
    <form
      className="form-row resident-filters"
      onSubmit={submit}
      role="search"
      aria-label={t('residents.filters')}
    >
      {!selectedIsGrid && grids.length > 0 && (
        <div className="field">
          <label htmlFor="filter-grid">{t('residents.grid')}</label>
          <select
            id="filter-grid"
            value={draft.gridId}
            onChange={(e) => setDraft({ ...draft, gridId: e.target.value, buildingId: '', householdId: '' })}
          >
            <option value="">{t('search.anyGrid')}</option>
            {grids.map((g) => (
              <option key={g.id} value={g.id}>
                {unitLabel(g.id)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="filter-building">{t('residents.building')}</label>
        <select
          id="filter-building"
          value={draft.buildingId}
          disabled={!gridForBuildings}
          aria-describedby={gridForBuildings ? undefined : 'filter-building-hint'}
          onChange={(e) => setDraft({ ...draft, buildingId: e.target.value, householdId: '' })}
        >
          <option value="">{t('search.anyBuilding')}</option>
          {(buildings.data?.items ?? []).map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
        {!gridForBuildings && (
          <span id="filter-building-hint" className="muted field-hint">
            {t('search.chooseGridFirst')}
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor="filter-household">{t('search.household')}</label>
        <select
          id="filter-household"
          value={draft.householdId}
          disabled={!draft.buildingId}
          onChange={(e) => setDraft({ ...draft, householdId: e.target.value })}
        >
          <option value="">{t('search.anyHousehold')}</option>
          {(households.data?.items ?? []).map((h) => (
            <option key={h.id} value={h.id}>
              {t('search.householdOption', { unitNo: h.unitNo, count: h.memberCount })}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-flag">{t('residents.flag')}</label>
        <select
          id="filter-flag"
          value={draft.flag}
          onChange={(e) => setDraft({ ...draft, flag: e.target.value as FlagName | '' })}
        >
          <option value="">{t('residents.anyFlag')}</option>
          {flagNames.map((f) => (
            <option key={f} value={f}>
              {t(`flags.${f}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">{t('residents.applyFilters')}</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setDraft(emptyFilter);
          onApply(emptyFilter);
        }}
      >
        {t('residents.clearFilters')}
      </button>
    </form>
  );
}
