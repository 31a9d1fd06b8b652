import { unitCodes } from '@civitas/contracts/device-profiles';
import {
  entityTypes,
  type DeviceProfile,
  type DeviceProfileInput,
  type ProfileMetric,
} from '@civitas/contracts/devices';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** One metric row as the form edits it: every field a string until submitted. */
interface MetricRow {
  key: string;
  nameZh: string;
  nameEn: string;
  type: ProfileMetric['type'];
  unit: string;
  min: string;
  max: string;
  values: string;
  thingsboardKey: string;
  objectId: string;
  senmlName: string;
}

const emptyRow = (): MetricRow => ({
  key: '',
  nameZh: '',
  nameEn: '',
  type: 'number',
  unit: 'C62',
  min: '0',
  max: '100',
  values: '',
  thingsboardKey: '',
  objectId: '',
  senmlName: '',
});

function toRow(m: ProfileMetric): MetricRow {
  return {
    ...emptyRow(),
    key: m.key,
    nameZh: m.name?.['zh-CN'] ?? '',
    nameEn: m.name?.en ?? '',
    type: m.type,
    unit: m.unit ?? '',
    min: m.type === 'number' ? String(m.min) : '',
    max: m.type === 'number' ? String(m.max) : '',
    values: m.type === 'text' ? (m.values ?? []).join(', ') : '',
    thingsboardKey: m.thingsboardKey ?? '',
    objectId: m.objectId ?? '',
    senmlName: m.senmlName ?? '',
  };
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function toMetric(r: MetricRow): ProfileMetric {
  const common = {
    key: r.key.trim(),
    name: { 'zh-CN': r.nameZh.trim(), en: r.nameEn.trim() },
    ...(r.thingsboardKey.trim() ? { thingsboardKey: r.thingsboardKey.trim() } : {}),
    ...(r.objectId.trim() ? { objectId: r.objectId.trim() } : {}),
    ...(r.senmlName.trim() ? { senmlName: r.senmlName.trim() } : {}),
  };
  if (r.type === 'number')
    return { ...common, type: 'number', unit: r.unit || null, min: Number(r.min), max: Number(r.max) };
  if (r.type === 'text') {
    const values = list(r.values);
    return { ...common, type: 'text', unit: null, ...(values.length ? { values } : {}) };
  }
  return { ...common, type: 'boolean', unit: null };
}

interface Props {
  initial: DeviceProfile | null;
  busy: boolean;
  onSubmit: (input: DeviceProfileInput) => void;
}

/** Create and edit form of a profile: the profile's fields, then one fieldset per metric. */
export function ProfileForm({ initial, busy, onSubmit }: Props) {
  const { t } = useTranslation();
  const [code, setCode] = useState(initial?.code ?? '');
  const [nameZh, setNameZh] = useState(initial?.name['zh-CN'] ?? '');
  const [nameEn, setNameEn] = useState(initial?.name.en ?? '');
  const [entityType, setEntityType] = useState<DeviceProfileInput['entityType']>(
    initial?.entityType ?? 'Device',
  );
  const [events, setEvents] = useState((initial?.events ?? []).join(', '));
  const [numbers, setNumbers] = useState({
    reportingIntervalS: String(initial?.reportingIntervalS ?? 600),
    inactivityTimeoutS: String(initial?.inactivityTimeoutS ?? 3600),
    rawRetentionDays: String(initial?.rawRetentionDays ?? 30),
    rollupRetentionDays: String(initial?.rollupRetentionDays ?? 365),
  });
  const [rows, setRows] = useState<MetricRow[]>(initial ? initial.metrics.map(toRow) : [emptyRow()]);

  const setRow = (i: number, patch: Partial<MetricRow>) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit({
      code,
      name: { 'zh-CN': nameZh.trim(), en: nameEn.trim() },
      entityType,
      metrics: rows.map(toMetric),
      events: list(events),
      reportingIntervalS: Number(numbers.reportingIntervalS),
      inactivityTimeoutS: Number(numbers.inactivityTimeoutS),
      rawRetentionDays: Number(numbers.rawRetentionDays),
      rollupRetentionDays: Number(numbers.rollupRetentionDays),
    });
  }

  const f = (k: string) => t(`deviceProfiles.field.${k}`);
  return (
    <form onSubmit={submit} aria-busy={busy} className="profile-form">
      <fieldset>
        <legend>{t('deviceProfiles.profileFields')}</legend>
        <div className="field">
          <label htmlFor="pf-code">{f('code')}</label>
          <input
            id="pf-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
            pattern="[a-z0-9][a-z0-9\-]{1,63}"
            disabled={initial !== null}
            aria-describedby="pf-code-help"
          />
          <small id="pf-code-help">{t('deviceProfiles.codeHelp')}</small>
        </div>
        <div className="field">
          <label htmlFor="pf-name-zh">{f('nameZh')}</label>
          <input
            id="pf-name-zh"
            value={nameZh}
            onChange={(e) => setNameZh(e.target.value)}
            required
            lang="zh-CN"
          />
        </div>
        <div className="field">
          <label htmlFor="pf-name-en">{f('nameEn')}</label>
          <input
            id="pf-name-en"
            value={nameEn}
            onChange={(e) => setNameEn(e.target.value)}
            required
            lang="en"
          />
        </div>
        <div className="field">
          <label htmlFor="pf-entity">{f('entityType')}</label>
          <select
            id="pf-entity"
            value={entityType}
            onChange={(e) => setEntityType(e.target.value as DeviceProfileInput['entityType'])}
          >
            {entityTypes.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pf-events">{f('events')}</label>
          <input
            id="pf-events"
            value={events}
            onChange={(e) => setEvents(e.target.value)}
            aria-describedby="pf-list-help"
          />
        </div>
        {(Object.keys(numbers) as (keyof typeof numbers)[]).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`pf-${k}`}>{f(k)}</label>
            <input
              id={`pf-${k}`}
              type="number"
              min={1}
              step={1}
              required
              value={numbers[k]}
              onChange={(e) => setNumbers((n) => ({ ...n, [k]: e.target.value }))}
            />
          </div>
        ))}
        <small id="pf-list-help">{t('deviceProfiles.listHelp')}</small>
      </fieldset>
      {rows.map((r, i) => (
        <fieldset key={i} data-testid="metric-row">
          <legend>{t('deviceProfiles.metricN', { n: i + 1, key: r.key })}</legend>
          <MetricInput
            id={`m${i}-key`}
            label={f('key')}
            value={r.key}
            onChange={(v) => setRow(i, { key: v })}
            required
          />
          <MetricInput
            id={`m${i}-zh`}
            label={f('nameZh')}
            value={r.nameZh}
            onChange={(v) => setRow(i, { nameZh: v })}
            required
          />
          <MetricInput
            id={`m${i}-en`}
            label={f('nameEn')}
            value={r.nameEn}
            onChange={(v) => setRow(i, { nameEn: v })}
            required
          />
          <div className="field">
            <label htmlFor={`m${i}-type`}>{f('type')}</label>
            <select
              id={`m${i}-type`}
              value={r.type}
              onChange={(e) => setRow(i, { type: e.target.value as MetricRow['type'] })}
            >
              {(['number', 'text', 'boolean'] as const).map((x) => (
                <option key={x} value={x}>
                  {t(`deviceProfiles.types.${x}`)}
                </option>
              ))}
            </select>
          </div>
          {r.type === 'number' && (
            <>
              <div className="field">
                <label htmlFor={`m${i}-unit`}>{f('unit')}</label>
                <select
                  id={`m${i}-unit`}
                  value={r.unit}
                  onChange={(e) => setRow(i, { unit: e.target.value })}
                >
                  <option value="">{t('deviceProfiles.noUnit')}</option>
                  {Object.entries(unitCodes).map(([c, sym]) => (
                    <option key={c} value={c}>
                      {`${c} (${sym})`}
                    </option>
                  ))}
                </select>
              </div>
              <MetricInput
                id={`m${i}-min`}
                label={f('min')}
                type="number"
                value={r.min}
                onChange={(v) => setRow(i, { min: v })}
                required
              />
              <MetricInput
                id={`m${i}-max`}
                label={f('max')}
                type="number"
                value={r.max}
                onChange={(v) => setRow(i, { max: v })}
                required
              />
            </>
          )}
          {r.type === 'text' && (
            <MetricInput
              id={`m${i}-values`}
              label={f('values')}
              value={r.values}
              onChange={(v) => setRow(i, { values: v })}
            />
          )}
          <MetricInput
            id={`m${i}-tb`}
            label={f('thingsboardKey')}
            value={r.thingsboardKey}
            placeholder={r.key}
            onChange={(v) => setRow(i, { thingsboardKey: v })}
          />
          <MetricInput
            id={`m${i}-fw`}
            label={f('objectId')}
            value={r.objectId}
            placeholder={r.key}
            onChange={(v) => setRow(i, { objectId: v })}
          />
          <MetricInput
            id={`m${i}-senml`}
            label={f('senmlName')}
            value={r.senmlName}
            placeholder={r.key}
            onChange={(v) => setRow(i, { senmlName: v })}
          />
          <button
            type="button"
            onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
            disabled={rows.length === 1}
          >
            {t('deviceProfiles.removeMetric', { key: r.key || i + 1 })}
          </button>
        </fieldset>
      ))}
      <p>
        <button type="button" onClick={() => setRows((rs) => [...rs, emptyRow()])}>
          {t('deviceProfiles.addMetric')}
        </button>{' '}
        <button type="submit" disabled={busy}>
          {t('deviceProfiles.save')}
        </button>
      </p>
    </form>
  );
}

function MetricInput(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        step={props.type === 'number' ? 'any' : undefined}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
