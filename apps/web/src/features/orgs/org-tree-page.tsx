import { endpoints } from '@civitas/contracts/endpoints';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { StatusMessage } from '../../components/status-message';
import { ContainingLookup } from './containing-lookup';
import { OrgMap } from './org-map';
import { Link } from 'react-router-dom';
import { useCan } from '../../app/auth-context';
import { OrgTree } from './org-tree';
import { UnitPanel } from './unit-panel';

export default function OrgTreePage() {
  const { t } = useTranslation();
  const { units, unitsById, loading, selectedUnitId, selectUnit, reloadUnits } = useUnits();
  const canWrite = useCan('org.write');
  const selected = selectedUnitId ? unitsById.get(selectedUnitId) : undefined;
  const config = useEndpoint(endpoints.system.publicConfig, {});
  const [point, setPoint] = useState<{ lat: number; lng: number } | null>(null);
  const onPoint = useCallback((lat: number, lng: number) => setPoint({ lat, lng }), []);
  usePageTitle(t('orgs.title'));

  return (
    <>
      <h1>{t('orgs.title')}</h1>
      <StatusMessage>{loading ? t('common.loading') : ''}</StatusMessage>
      {canWrite && (
        <p>
          <Link to="/orgs/import">{t('orgs.importLink')}</Link>
        </p>
      )}
      <div className="org-layout">
        <section aria-labelledby="tree-heading" className="panel tree-panel">
          <h2 id="tree-heading">{t('orgs.treeTitle')}</h2>
          <p className="hint">{t('orgs.treeHelp')}</p>
          <OrgTree units={units} selectedId={selectedUnitId} onSelect={selectUnit} />
        </section>
        <section aria-labelledby="map-heading" className="panel map-panel">
          <h2 id="map-heading">{t('orgs.mapTitle')}</h2>
          {(config.data || config.error) && (
            <OrgMap
              units={units}
              selectedId={selectedUnitId}
              tileUrl={config.data?.tileUrl ?? null}
              tileAttribution={config.data?.tileAttribution ?? null}
              point={point}
              onMapClick={onPoint}
            />
          )}
          <ContainingLookup point={point} onPoint={onPoint} />
        </section>
      </div>
      {selected ? (
        <UnitPanel key={selected.id} unit={selected} units={units} onChanged={reloadUnits} />
      ) : (
        <p>{t('orgs.noUnit')}</p>
      )}
    </>
  );
}
