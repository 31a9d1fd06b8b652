import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { ResidentMasked } from '@civitas/contracts/registry';
import { FlagBadges } from './flag-badges';
import { TableRegion } from '../../components/table-region';
import { UnitLabel } from '../../components/unit-label';

/** Residents as the server sends them: masked values only. */
export function ResidentsTable({ items }: { items: ResidentMasked[] }) {
  const { t } = useTranslation();
  return (
    <TableRegion label={t('residents.caption')}>
      <table data-testid="residents-table" className="residents-table">
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
          {items.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/residents/${r.id}`}>{r.name}</Link>
              </th>
              <td>{r.phone ?? '—'}</td>
              <td>{r.idNumber ?? '—'}</td>
              <td>
                <UnitLabel unitId={r.gridId} code={r.gridCode} />
              </td>
              <td>{r.buildingName ?? '—'}</td>
              <td>
                <FlagBadges flags={r.flags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}
