import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '@civitas/contracts/registry';
import { endpoints } from '@civitas/contracts/endpoints';
import { call } from '../app/api-client';
import { ErrorMessage } from './error-message';
import { ImportReport } from './import-report';
import { StatusMessage } from './status-message';
import { useImportJob } from './use-import-job';

interface CsvImportPanelProps {
  /** The API path that takes the file as multipart field "file" and answers 202 with the job. */
  /** Which import: each is a multipart endpoint answering with the job to follow. */
  endpoint: typeof endpoints.residents.import | typeof endpoints.devices.import;
  /** Id of the element explaining the columns, read out with the file field. */
  helpId: string;
  /** What follows the report of a finished import (the device import's minted tokens). */
  afterReport?: (job: ImportJob) => ReactNode;
}

/** Upload form, progress bar and per-row report for every CSV import (residents, devices). */
export function CsvImportPanel({ endpoint, helpId, afterReport }: CsvImportPanelProps) {
  const { t } = useTranslation();
  const fileRef = useRef<HTMLInputElement>(null);
  const [started, setStarted] = useState<ImportJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { job, error: pollError } = useImportJob(started);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    setBusy(true);
    setError(null);
    try {
      setStarted(await call(endpoint, { form }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const running = job?.status === 'running';
  return (
    <>
      <form onSubmit={(e) => void submit(e)} className="form-row" aria-busy={busy}>
        <div className="field">
          <label htmlFor="import-file">{t('import.file')}</label>
          <input
            id="import-file"
            ref={fileRef}
            type="file"
            accept=".csv,text/csv"
            required
            aria-describedby={helpId}
          />
        </div>
        <button type="submit" disabled={busy || running}>
          {t('import.start')}
        </button>
      </form>
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
          {!running && <ImportReport job={job} />}
          {!running && afterReport?.(job)}
        </section>
      )}
    </>
  );
}
