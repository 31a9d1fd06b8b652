import { endpoints } from '@civitas/contracts/endpoints';
import type { OrgImportProblemOut, OrgImportReportOut } from '@civitas/contracts/org-lifecycle';
import { orgUnitTypes, type OrgUnitType } from '@civitas/contracts/orgs';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { useUnits } from '../../app/unit-context';
import { usePageTitle } from '../../app/use-page-title';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { TableRegion } from '../../components/table-region';

/** A text field's value ('' for a missing field or a file). */
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

const mappingFields = ['code', 'parent', 'nameZh', 'nameEn', 'level'] as const;
const defaults: Record<(typeof mappingFields)[number], string> = {
  code: 'code',
  parent: 'parent_code',
  nameZh: 'name_zh',
  nameEn: 'name_en',
  level: 'level',
};

/** `value=type` lines into a level map; the 1-based number of the first bad line otherwise. */
export function parseLevels(text: string): Record<string, OrgUnitType> | number {
  const out: Record<string, OrgUnitType> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = line.lastIndexOf('=');
    const value = line.slice(0, at).trim();
    const type = line.slice(at + 1).trim();
    if (at <= 0 || value === '' || !(orgUnitTypes as readonly string[]).includes(type)) return i + 1;
    out[value] = type as OrgUnitType;
  }
  return out;
}

function ProblemText({ p }: { p: OrgImportProblemOut }) {
  const { t, i18n } = useTranslation();
  if (p.kind === 'refused' && p.error) {
    const key = `errors.byCode.${p.error.code}`;
    const values = Object.fromEntries(
      Object.entries(p.error).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
    );
    return <>{i18n.exists(key) ? t(key, values) : t('orgs.import.problems.refused')}</>;
  }
  return <>{t(`orgs.import.problems.${p.kind}`, p.params)}</>;
}

/** Choose a file, name its properties, preview every problem, then apply: all or nothing. */
export default function OrgImportPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('orgs.import.title'));
  const { reloadUnits } = useUnits();
  const ids = useId();
  const [geojson, setGeojson] = useState<unknown>(null);
  const [fileError, setFileError] = useState('');
  const [report, setReport] = useState<OrgImportReportOut | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function readFile(file: File | undefined) {
    setReport(null);
    setFileError('');
    setGeojson(null);
    if (!file) return;
    try {
      setGeojson(JSON.parse(await file.text()));
    } catch {
      setFileError(t('orgs.import.fileBad'));
    }
  }

  async function submit(e: FormEvent<HTMLFormElement>, apply: boolean) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const levels = parseLevels(text(form, 'levels'));
    if (typeof levels === 'number') return setFileError(t('orgs.import.levelsBad', { line: levels }));
    const mapping = {
      ...Object.fromEntries(mappingFields.map((f) => [f, text(form, f).trim() || defaults[f]])),
      levels,
    };
    setBusy(true);
    setError(null);
    try {
      const body = { geojson, mapping } as never;
      const r = await call(apply ? endpoints.orgs.importApply : endpoints.orgs.importPreview, { body });
      setReport(r);
      if (r.applied) reloadUnits();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const submitter = (e: FormEvent<HTMLFormElement>) => {
    const native = e.nativeEvent as SubmitEvent;
    void submit(e, (native.submitter as HTMLButtonElement | null)?.value === 'apply');
  };

  return (
    <>
      <h1>{t('orgs.import.title')}</h1>
      <p>{t('orgs.import.help')}</p>
      <form onSubmit={submitter} className="panel org-import">
        <label htmlFor={`${ids}-file`}>{t('orgs.import.file')}</label>
        <input
          id={`${ids}-file`}
          type="file"
          accept=".geojson,.json,application/geo+json,application/json"
          onChange={(e) => void readFile(e.currentTarget.files?.[0])}
        />
        <fieldset>
          <legend>{t('orgs.import.mapping')}</legend>
          {mappingFields.map((f) => (
            <div key={f}>
              <label htmlFor={`${ids}-${f}`}>{t(`orgs.import.${f}`)}</label>
              <input id={`${ids}-${f}`} name={f} defaultValue={defaults[f]} maxLength={100} />
            </div>
          ))}
          <label htmlFor={`${ids}-levels`}>{t('orgs.import.levels')}</label>
          <textarea id={`${ids}-levels`} name="levels" rows={3} />
        </fieldset>
        <button type="submit" value="preview" disabled={!geojson || busy}>
          {t('orgs.import.preview')}
        </button>
        <button
          type="submit"
          value="apply"
          disabled={!geojson || busy || !report || !report.dryRun || report.problems.length > 0}
        >
          {t('orgs.import.apply')}
        </button>
      </form>
      <StatusMessage>
        {fileError ||
          (report &&
            `${t('orgs.import.summary', {
              features: report.features,
              units: report.units.length,
              problems: report.problems.length,
            })} ${report.dryRun ? '' : report.applied ? t('orgs.import.applied', { units: report.units.length }) : t('orgs.import.notApplied')}`)}
      </StatusMessage>
      <ErrorMessage error={error} />
      {report && report.problems.length > 0 && (
        <TableRegion label={t('orgs.import.problemsCaption')}>
          <table>
            <caption>{t('orgs.import.problemsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orgs.import.feature')}</th>
                <th scope="col">{t('orgs.code')}</th>
                <th scope="col">{t('orgs.import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {report.problems.map((p, i) => (
                <tr key={`${p.feature}-${i}`}>
                  <td>{p.feature}</td>
                  <td>{p.code ?? ''}</td>
                  <td>
                    <ProblemText p={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {report && report.units.length > 0 && (
        <TableRegion
          label={report.applied ? t('orgs.import.appliedCaption') : t('orgs.import.previewCaption')}
        >
          <table>
            <caption>
              {report.applied ? t('orgs.import.appliedCaption') : t('orgs.import.previewCaption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('orgs.import.feature')}</th>
                <th scope="col">{t('orgs.code')}</th>
                <th scope="col">{t('orgs.type')}</th>
                <th scope="col">{t('orgs.nameZh')}</th>
                <th scope="col">{t('orgs.import.parentCode')}</th>
                <th scope="col">{t('orgs.import.boundary')}</th>
              </tr>
            </thead>
            <tbody>
              {report.units.map((u) => (
                <tr key={u.code}>
                  <td>{u.feature}</td>
                  <td>{u.code}</td>
                  <td>{t(`unitTypes.${u.type}`)}</td>
                  <td lang={i18n.language === 'en' ? 'zh-CN' : undefined}>{u.name['zh-CN']}</td>
                  <td>{u.parentCode ?? ''}</td>
                  <td>{u.hasBoundary ? t('orgs.import.yes') : t('orgs.import.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
