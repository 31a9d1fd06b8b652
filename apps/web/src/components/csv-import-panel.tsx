import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '@civitas/contracts/registry';
import type { ImportEncoding, ImportPreview } from '@civitas/contracts/imports';
import { encodingUnsure } from '@civitas/contracts/imports';
import { endpoints } from '@civitas/contracts/endpoints';
import { call, hasCode } from '../app/api-client';
import { ErrorMessage } from './error-message';
import { ImportEncodingChoice } from './import-encoding-choice';
import { ImportPreviewView, type ImportKind } from './import-preview';
import { ImportReport } from './import-report';
import { ImportTemplates } from './import-templates';
import { StatusMessage } from './status-message';
import { useImportJob } from './use-import-job';

interface CsvImportPanelProps {
  /** Which import: residents or devices, each with its import, preview and template endpoints. */
  kind: ImportKind;
  /** Id of the element explaining the columns, read out with the file field. */
  helpId: string;
  /** What follows the report of a finished import (the device import's minted tokens). */
  afterReport?: (job: ImportJob) => ReactNode;
}

const accept =
  '.csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface PreviewState {
  preview: ImportPreview | null;
  error: unknown;
  loading: boolean;
  /** The encodings the server asked the user to choose from, kept once asked. */
  candidates: ImportEncoding[] | null;
}
const idle: PreviewState = { preview: null, error: null, loading: false, candidates: null };

/** The preview of the chosen file, asked for whenever the file or the chosen encoding changes. */
function usePreview(kind: ImportKind) {
  const [state, setState] = useState<PreviewState>(idle);
  const pending = useRef<AbortController | null>(null);
  useEffect(() => () => pending.current?.abort(), []);
  const request = (file: File | null, encoding: ImportEncoding | undefined) => {
    pending.current?.abort();
    if (!file) {
      setState(idle);
      return;
    }
    const controller = new AbortController();
    pending.current = controller;
    const form = new FormData();
    form.append('file', file, file.name);
    setState((s) => ({
      ...s,
      preview: null,
      error: null,
      loading: true,
      candidates: encoding ? s.candidates : null,
    }));
    call(endpoints[kind].importPreview, { form, query: { encoding }, signal: controller.signal }).then(
      (preview) => setState((s) => ({ ...s, preview, loading: false })),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const asked = hasCode(error, 'encoding_unsure') ? encodingUnsure.safeParse(error.problem) : null;
        setState((s) => ({
          ...s,
          error: asked?.success ? null : error,
          loading: false,
          candidates: asked?.success ? asked.data.candidates : s.candidates,
        }));
      },
    );
  };
  return { ...state, request };
}

/** Upload form with a preview, progress bar and per-row report for every import (residents, devices). */
export function CsvImportPanel({ kind, helpId, afterReport }: CsvImportPanelProps) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<ImportEncoding | undefined>(undefined);
  const [started, setStarted] = useState<ImportJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { job, error: pollError } = useImportJob(started);
  const { preview, error: previewError, loading, candidates, request } = usePreview(kind);

  const ready =
    preview !== null && preview.missing.length === 0 && preview.columns.every((c) => c.field !== null);

  function choose(chosen: ImportEncoding) {
    setEncoding(chosen);
    request(file, chosen);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !ready) return;
    const form = new FormData();
    form.append('file', file, file.name);
    setBusy(true);
    setError(null);
    try {
      setStarted(await call(endpoints[kind].import, { form, query: { encoding } }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const running = job?.status === 'running';
  return (
    <>
      <ImportTemplates kind={kind} />
      <form onSubmit={(e) => void submit(e)} className="form-row" aria-busy={busy || loading}>
        <div className="field">
          <label htmlFor="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            type="file"
            accept={accept}
            required
            aria-describedby={helpId}
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setEncoding(undefined);
              setError(null);
              setStarted(null);
              setFile(chosen);
              request(chosen, undefined);
            }}
          />
        </div>
        <button type="submit" disabled={busy || running || !ready}>
          {t('import.start')}
        </button>
      </form>
      {loading && <StatusMessage>{t('import.preview.loading')}</StatusMessage>}
      {file && candidates && (
        <ImportEncodingChoice file={file} candidates={candidates} chosen={encoding} onChoose={choose} />
      )}
      <ErrorMessage error={previewError} />
      {preview && !job && <ImportPreviewView kind={kind} preview={preview} />}
      <ErrorMessage error={error ?? pollError} />
      {job && (
        <section aria-labelledby="import-progress-heading">
          <h2 id="import-progress-heading">{t('import.progress', { file: job.fileName })}</h2>
          <progress
            aria-label={t('import.progressLabel')}
            max={job.totalRows ?? undefined}
            value={job.totalRows === null ? undefined : job.processedRows}
            data-testid="import-progress"
          />
          <StatusMessage>
            <span data-testid="import-status" data-status={job.status}>
              {t(`import.status.${job.status}`)} ·{' '}
              {t('import.processed', { processed: job.processedRows, total: job.totalRows ?? '?' })}
            </span>
          </StatusMessage>
          {!running && <ImportReport kind={kind} job={job} />}
          {!running && afterReport?.(job)}
        </section>
      )}
    </>
  );
}
