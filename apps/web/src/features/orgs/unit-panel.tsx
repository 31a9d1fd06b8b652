import { boundaryGeometry, type BoundaryGeometry } from '@civitas/contracts/common';
import { endpoints } from '@civitas/contracts/endpoints';
import { retireBlockers, type UnitRecordCount } from '@civitas/contracts/org-lifecycle';
import { allowedChildTypes, type OrgUnit } from '@civitas/contracts/orgs';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { call } from '../../app/api-client';
import { localizedName } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';
import { StatusMessage } from '../../components/status-message';

/** A text field's value ('' for a missing field or a file). */
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** A GeoJSON Feature or FeatureCollection, read no further than the boundary search needs. */
const geoJsonWrapper = z.object({
  type: z.string(),
  geometry: z.unknown().optional(),
  features: z.array(z.unknown()).optional(),
});

/** Takes the first Polygon or MultiPolygon of a GeoJSON file (a geometry, a feature or a collection). */
export function boundaryFromGeoJson(json: unknown): BoundaryGeometry | null {
  const direct = boundaryGeometry.safeParse(json);
  if (direct.success) return direct.data;
  const wrapper = geoJsonWrapper.safeParse(json);
  if (!wrapper.success) return null;
  const j = wrapper.data;
  if (j.type === 'Feature') return boundaryFromGeoJson(j.geometry);
  if (j.type === 'FeatureCollection' && j.features) {
    for (const f of j.features) {
      const b = boundaryFromGeoJson(f);
      if (b) return b;
    }
  }
  return null;
}

function Counts({ counts }: { counts: readonly UnitRecordCount[] }) {
  const { t } = useTranslation();
  return (
    <ul>
      {counts.map((c) => (
        <li key={c.kind}>
          {t(`orgs.records.${c.kind}`)}: {c.count}
        </li>
      ))}
    </ul>
  );
}

/**
 * The selected unit: what points at it and what the caller may do to it. The buttons come from
 * the server's impact answer, which uses the policy the server enforces (orgUnitActionsFor).
 */
export function UnitPanel({
  unit,
  units,
  onChanged,
}: {
  unit: OrgUnit;
  units: OrgUnit[];
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [generation, setGeneration] = useState(0);
  const impact = useEndpoint(
    endpoints.orgs.impact,
    { params: { id: unit.id } },
    `${unit.version}:${generation}`,
  );
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [dialog, setDialog] = useState<'merge' | 'retire' | null>(null);
  const [boundary, setBoundary] = useState<BoundaryGeometry | null>(null);
  const [parentId, setParentId] = useState('');
  const [intoId, setIntoId] = useState('');
  const ids = { zh: useId(), en: useId(), file: useId(), parent: useId(), into: useId() };
  const name = (u: OrgUnit) => `${localizedName(u.name, i18n.language)} (${u.code})`;
  const actions = impact.data?.actions;
  const current = impact.data?.unit ?? unit;
  const counts = impact.data?.counts ?? [];
  const blockers = retireBlockers(counts);
  const siblings = units.filter(
    (u) => u.id !== unit.id && u.parentId === unit.parentId && u.type === unit.type && u.status === 'active',
  );
  const parents = units.filter(
    (u) => u.id !== unit.parentId && u.status === 'active' && allowedChildTypes[u.type].includes(unit.type),
  );

  async function run(action: () => Promise<unknown>, done: string) {
    setError(null);
    setStatus('');
    try {
      await action();
      setStatus(done);
      setDialog(null);
      setGeneration((g) => g + 1);
      onChanged();
    } catch (e) {
      setError(e);
    }
  }

  function saveNames(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = {
      version: current.version,
      name: { 'zh-CN': text(form, 'zh'), en: text(form, 'en') },
    };
    void run(() => call(endpoints.orgs.update, { params: { id: unit.id }, body }), t('orgs.saved'));
  }

  async function readBoundary(file: File | undefined) {
    setError(null);
    if (!file) return setBoundary(null);
    try {
      const b = boundaryFromGeoJson(JSON.parse(await file.text()));
      setBoundary(b);
      if (!b) setStatus(t('orgs.boundaryBad'));
    } catch {
      setBoundary(null);
      setStatus(t('orgs.boundaryBad'));
    }
  }

  const into = siblings.find((s) => s.id === intoId);

  return (
    <section aria-labelledby="unit-heading" className="panel unit-panel">
      <h2 id="unit-heading">
        {t('orgs.detailTitle')}: {name(current)}
      </h2>
      <dl className="facts">
        <dt>{t('orgs.type')}</dt>
        <dd>{t(`unitTypes.${current.type}`)}</dd>
        <dt>{t('orgs.status')}</dt>
        <dd>
          {current.status === 'active' ? t('orgs.statusActive') : t('orgs.statusRetired')}
          {current.mergedIntoId &&
            ` — ${t('orgs.mergedInto', { unit: units.find((u) => u.id === current.mergedIntoId)?.code ?? '' })}`}
        </dd>
      </dl>
      <h3>{t('orgs.recordsTitle')}</h3>
      {impact.loading && <p>{t('common.loading')}</p>}
      <ErrorMessage error={impact.error} />
      <Counts counts={counts} />
      <StatusMessage>{status}</StatusMessage>
      <ErrorMessage error={error} />
      {actions && !actions.edit && <p className="hint">{t('orgs.readOnly')}</p>}
      {actions?.edit && (
        <>
          <form onSubmit={saveNames} key={current.version}>
            <label htmlFor={ids.zh}>{t('orgs.nameZh')}</label>
            <input id={ids.zh} name="zh" defaultValue={current.name['zh-CN']} required maxLength={100} />
            <label htmlFor={ids.en}>{t('orgs.nameEn')}</label>
            <input id={ids.en} name="en" defaultValue={current.name.en} required maxLength={100} />
            <button type="submit">{t('orgs.saveNames')}</button>
          </form>
          <div className="boundary-upload">
            <label htmlFor={ids.file}>{t('orgs.boundaryFile')}</label>
            <input
              id={ids.file}
              type="file"
              accept=".geojson,.json,application/geo+json,application/json"
              onChange={(e) => void readBoundary(e.currentTarget.files?.[0])}
            />
            <button
              type="button"
              disabled={!boundary}
              onClick={() =>
                void run(
                  () =>
                    call(endpoints.orgs.update, {
                      params: { id: unit.id },
                      body: { version: current.version, boundary },
                    }),
                  t('orgs.saved'),
                )
              }
            >
              {t('orgs.saveBoundary')}
            </button>
            {current.boundary && (
              <button
                type="button"
                onClick={() =>
                  void run(
                    () =>
                      call(endpoints.orgs.update, {
                        params: { id: unit.id },
                        body: { version: current.version, boundary: null },
                      }),
                    t('orgs.saved'),
                  )
                }
              >
                {t('orgs.removeBoundary')}
              </button>
            )}
          </div>
        </>
      )}
      {actions?.move && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(
              () =>
                call(endpoints.orgs.move, {
                  params: { id: unit.id },
                  body: { newParentId: parentId, version: current.version },
                }),
              t('orgs.saved'),
            );
          }}
        >
          <h3>{t('orgs.moveTitle')}</h3>
          <label htmlFor={ids.parent}>{t('orgs.newParent')}</label>
          <select id={ids.parent} value={parentId} onChange={(e) => setParentId(e.target.value)} required>
            <option value="" />
            {parents.map((p) => (
              <option key={p.id} value={p.id}>
                {name(p)}
              </option>
            ))}
          </select>
          <button type="submit">{t('orgs.move')}</button>
        </form>
      )}
      {actions?.merge && (
        <div>
          <h3>{t('orgs.mergeTitle')}</h3>
          {siblings.length === 0 ? (
            <p className="hint">{t('orgs.mergeNone')}</p>
          ) : (
            <>
              <label htmlFor={ids.into}>{t('orgs.mergeInto')}</label>
              <select id={ids.into} value={intoId} onChange={(e) => setIntoId(e.target.value)}>
                <option value="" />
                {siblings.map((s) => (
                  <option key={s.id} value={s.id}>
                    {name(s)}
                  </option>
                ))}
              </select>
              <button type="button" disabled={!into} onClick={() => setDialog('merge')}>
                {t('orgs.merge')}
              </button>
            </>
          )}
        </div>
      )}
      {actions && current.status === 'active' && actions.edit && (
        <div>
          <h3>{t('orgs.retireTitle')}</h3>
          {blockers.length > 0 ? (
            <>
              <p>{t('orgs.retireBlocked')}</p>
              <Counts counts={blockers} />
            </>
          ) : (
            <button type="button" disabled={!actions.retire} onClick={() => setDialog('retire')}>
              {t('orgs.retire')}
            </button>
          )}
        </div>
      )}
      <ModalDialog open={dialog === 'merge'} title={t('orgs.mergeTitle')} onClose={() => setDialog(null)}>
        {into && (
          <>
            <p>{t('orgs.mergeConfirm', { from: name(current), into: name(into) })}</p>
            <Counts counts={counts.filter((c) => c.count > 0)} />
            <ErrorMessage error={error} />
            <button
              type="button"
              onClick={() =>
                void run(
                  () =>
                    call(endpoints.orgs.merge, {
                      params: { id: unit.id },
                      body: { intoId: into.id, version: current.version, intoVersion: into.version },
                    }),
                  t('orgs.merged', { into: name(into) }),
                )
              }
            >
              {t('orgs.confirm')}
            </button>
            <button type="button" onClick={() => setDialog(null)}>
              {t('orgs.cancel')}
            </button>
          </>
        )}
      </ModalDialog>
      <ModalDialog open={dialog === 'retire'} title={t('orgs.retireTitle')} onClose={() => setDialog(null)}>
        <p>{t('orgs.retireConfirm', { unit: name(current) })}</p>
        <Counts counts={counts.filter((c) => c.count > 0)} />
        <ErrorMessage error={error} />
        <button
          type="button"
          onClick={() =>
            void run(
              () =>
                call(endpoints.orgs.retire, { params: { id: unit.id }, body: { version: current.version } }),
              t('orgs.retired'),
            )
          }
        >
          {t('orgs.confirm')}
        </button>
        <button type="button" onClick={() => setDialog(null)}>
          {t('orgs.cancel')}
        </button>
      </ModalDialog>
    </section>
  );
}
