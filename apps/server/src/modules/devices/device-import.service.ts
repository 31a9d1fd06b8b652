import { createDevice, deviceCode } from '@civitas/contracts/devices';
import { parse } from 'csv-parse/sync';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import { AppError, badRequest } from '../../platform/errors/errors.js';
import type { ImportJobsRepository, RowError } from '../../platform/jobs/import-jobs.repository.js';
import type { DeviceImportTokens } from './device-import-tokens.js';
import type { DevicesService } from './devices.service.js';

export const deviceCsvColumns = [
  'code',
  'name',
  'profile',
  'lat',
  'lng',
  'org_unit_code',
  'install_date',
  'status',
  'access_token',
] as const;

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** One CSV row. `access_token`, as in ThingsBoard's bulk import, lets a fleet keep tokens already flashed. */
const row = z.object({
  code: deviceCode,
  name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(200),
  profile: z.string({ message: 'is required' }).trim().min(1, 'is required'),
  lat: z.coerce.number({ message: 'is not a number' }).min(-90).max(90),
  lng: z.coerce.number({ message: 'is not a number' }).min(-180).max(180),
  org_unit_code: optional,
  install_date: optional.pipe(z.iso.date('is not a date (YYYY-MM-DD)').optional()),
  status: optional.pipe(z.enum(['active', 'maintenance', 'retired']).optional()),
  access_token: optional.pipe(z.string().min(20, 'must be at least 20 characters').max(200).optional()),
});

const MAX_KEPT_ERRORS = 1000;
type Ctx = RequestContext & { actor: Actor };

/**
 * CSV import of devices, with progress and a per-row report; each row is created whole or not at all.
 * A row without `access_token` gets a minted token; those tokens are kept sealed for the importer to
 * fetch once (device-import-tokens.ts) and are never logged.
 */
export class DeviceImportService {
  constructor(
    private readonly devices: DevicesService,
    private readonly jobs: ImportJobsRepository,
    private readonly tokens: DeviceImportTokens,
    private readonly log: Logger,
  ) {}

  async start(ctx: Ctx, fileName: string, data: Buffer): Promise<string> {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    const broken: RowError[] = [];
    try {
      records = parse(data, {
        bom: true,
        columns: (header: string[]) => {
          const cols = header.map((h) => h.trim().toLowerCase());
          const unknown = cols.filter((c) => !(deviceCsvColumns as readonly string[]).includes(c));
          if (unknown.length > 0)
            throw new AppError(400, 'csv_header', `file: unknown column(s): ${unknown.join(', ')}`);
          const missing = ['code', 'name', 'profile', 'lat', 'lng'].filter((c) => !cols.includes(c));
          if (missing.length > 0)
            throw new AppError(400, 'csv_header', `file: the header lacks: ${missing.join(', ')}`);
          return cols;
        },
        skip_empty_lines: true,
        info: true,
        skip_records_with_error: true,
        on_skip: (err) => {
          if (err)
            broken.push({ line: (err as { lines?: number }).lines ?? 0, field: null, message: err.message });
          return undefined;
        },
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw badRequest('csv_unreadable', `file: not a readable CSV (${(e as Error).message})`);
    }
    const jobId = await this.jobs.create('devices', fileName, ctx.actor.userId);
    this.run(ctx, jobId, records, broken).catch(async (e: unknown) => {
      this.log.error({ err: e, jobId }, 'device import failed');
      await this.jobs.finish(jobId, 'failed').catch(() => undefined);
    });
    return jobId;
  }

  private async run(
    ctx: Ctx,
    jobId: string,
    records: { record: Record<string, string>; info: { lines: number } }[],
    errors: RowError[],
  ) {
    const total = records.length + errors.length;
    let rejected = errors.length;
    let imported = 0;
    let processed = errors.length;
    const minted: { code: string; token: string }[] = [];
    const reject = (line: number, field: string | null, message: string) => {
      rejected++;
      if (errors.length < MAX_KEPT_ERRORS) errors.push({ line, field, message });
    };
    await this.jobs.progress(jobId, { total, processed, imported, rejected, errors });
    for (const { record, info } of records) {
      const line = info.lines;
      const parsed = row.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        reject(line, String(issue.path[0] ?? ''), `${String(issue.path[0] ?? 'row')} ${issue.message}`);
      } else {
        const r = parsed.data;
        try {
          const unitId = r.org_unit_code ? await this.devices.unitIdByCode(r.org_unit_code) : undefined;
          if (r.org_unit_code && !unitId)
            throw badRequest('unit_not_found', `org_unit_code ${r.org_unit_code} does not exist`);
          const input = createDevice.parse({
            code: r.code,
            name: r.name,
            profile: r.profile,
            location: { type: 'Point', coordinates: [r.lng, r.lat] },
            ...(unitId ? { orgUnitId: unitId } : {}),
            installDate: r.install_date ?? null,
            status: r.status ?? 'active',
          });
          const { token } = await this.devices.create(
            ctx,
            input,
            r.access_token ? { token: r.access_token } : {},
          );
          if (!r.access_token && token) minted.push({ code: r.code, token });
          imported++;
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          reject(line, null, e.message);
        }
      }
      processed++;
      if (processed % 25 === 0) await this.jobs.progress(jobId, { processed, imported, rejected, errors });
    }
    errors.sort((a, b) => a.line - b.line);
    await this.tokens.keep(jobId, ctx.actor.userId, minted);
    await this.jobs.progress(jobId, { processed: total, imported, rejected, errors });
    await this.jobs.finish(jobId, 'done');
  }
}
