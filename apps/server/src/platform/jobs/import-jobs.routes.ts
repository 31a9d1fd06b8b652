import { type ImportJob } from '@civitas/contracts/registry';
import { importEndpoints } from '@civitas/contracts/endpoints/registry';
import { notFound } from '../errors/errors.js';
import type { App } from '../http/http-server.js';
import { route } from '../http/route.js';
import type { ImportJobRow, ImportJobsRepository } from './import-jobs.repository.js';

export function presentImportJob(j: ImportJobRow): ImportJob {
  return {
    id: j.id,
    status: j.status,
    fileName: j.file_name,
    totalRows: j.total_rows,
    processedRows: j.processed_rows,
    importedRows: j.imported_rows,
    rejectedRows: j.rejected_rows,
    // A job from before row errors had codes says only its English message.
    errors: j.errors.map((e) => ({
      ...e,
      code: e.code ?? 'refused',
      params: e.params ?? { reason: 'validation_failed', detail: e.message },
    })),
    startedAt: j.started_at.toISOString(),
    finishedAt: j.finished_at?.toISOString() ?? null,
  };
}

/** Progress of any import (residents, devices): visible to the user who started it, no one else. */
export function registerImportJobRoutes(app: App, jobs: ImportJobsRepository): void {
  route(app, importEndpoints.get, 'authenticated', async (req) => {
    const job = await jobs.find(req.params.id);
    if (!job || job.created_by !== req.actor.userId) throw notFound('Import job');
    return presentImportJob(job);
  });
}
