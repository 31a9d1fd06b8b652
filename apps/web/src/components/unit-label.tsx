import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedName } from '@civitas/contracts/common';
import type { OrgUnit } from '@civitas/contracts/orgs';
import { localizedName } from '../app/localized';
import { useUnits } from '../app/unit-context';

/**
 * Names a unit the way staff say it, with its parent: "新田社区 · 第一网格", never a raw code like
 * `D01-S01-C01-G03` (issue 11 §4). The parent is left out where this user cannot read it (a grid
 * worker's own grid is the top of their tree); the code is kept for the tooltip, where staff who
 * deal in codes (imports, routing) still find it.
 */
export function useUnitLabel(): (unitId: string | null | undefined) => string | null {
  const { i18n } = useTranslation();
  const { allUnitsById } = useUnits();
  return useCallback(
    (unitId) => {
      const unit = unitId ? allUnitsById.get(unitId) : undefined;
      if (!unit) return null;
      return unitLabelText(unit, unit.parentId ? allUnitsById.get(unit.parentId) : undefined, i18n.language);
    },
    [allUnitsById, i18n.language],
  );
}

export function unitLabelText(unit: OrgUnit, parent: OrgUnit | undefined, lang: string): string {
  const name = localizedName(unit.name, lang);
  return parent ? `${localizedName(parent.name, lang)} · ${name}` : name;
}

/**
 * A unit by name with its parent; the code in the tooltip. Where the unit is not in the tree this
 * user reads (a case escalated above them), the name the record carries is shown; the code only
 * when the record carries no name, while the tree loads.
 */
export function UnitLabel({
  unitId,
  code,
  name,
}: {
  unitId: string | null | undefined;
  code?: string | null;
  name?: LocalizedName;
}) {
  const { i18n } = useTranslation();
  const label = useUnitLabel()(unitId) ?? (name ? localizedName(name, i18n.language) : null);
  if (!label) return <>{code ?? '—'}</>;
  return (
    <span className="unit-label" title={code ?? undefined}>
      {label}
    </span>
  );
}
