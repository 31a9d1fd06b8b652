import { createDevice, deviceCode } from '@civitas/contracts/devices';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors/errors.js';
import type { ImportEncoding } from '@civitas/contracts/imports';
import { rowsByField, type ColumnSpec } from '../../platform/imports/column-map.js';
import { rowError, rowErrorFromIssue } from '../../platform/imports/row-errors.js';
import { readTabularFile } from '../../platform/imports/tabular-file.js';
import type { ImportJobsRepository, RowError } from '../../platform/jobs/import-jobs.repository.js';
import type { DeviceImportTokens } from './device-import-tokens.js';
import type { DevicesService } from './devices.service.js';

/** The columns of a device import, under their API names and the headers of a Chinese list. */
export const deviceColumns: readonly ColumnSpec[] = [
  { field: 'code', required: true, en: 'code', zh: '编码', aliases: ['设备编码', '设备编号'] },
  { field: 'name', required: true, en: 'name', zh: '名称', aliases: ['设备名称'] },
  { field: 'profile', required: true, en: 'profile', zh: '设备类型', aliases: ['类型', '型号'] },
  { field: 'lat', required: true, en: 'lat', zh: '纬度' },
  { field: 'lng', required: true, en: 'lng', zh: '经度' },
  { field: 'org_unit_code', required: false, en: 'org_unit_code', zh: '单位编码', aliases: ['所属单位编码'] },
  { field: 'install_date', required: false, en: 'install_date', zh: '安装日期' },
  { field: 'status', required: false, en: 'status', zh: '状态' },
  { field: 'access_token', required: false, en: 'access_token', zh: '访问令牌' },
];

export const deviceTemplateExample: Record<string, string> = {
  code: 'AQ-0001',
  name: '新田空气站',
  profile: 'air-quality',
  lat: '22.5512',
  lng: '113.8270',
  install_date: '2026-05-01',
  status: 'active',
};

/** Status words of a Chinese list, as the web names them. */
const statusWords: Record<string, string> = {
  运行: 'active',
  在用: 'active',
  维护: 'maintenance',
  停用: 'retired',
};

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** One row; issue messages are row error codes. `access_token`, as in ThingsBoard's bulk import, lets a fleet keep tokens already flashed. */
const row = z.object({
  code: z
    .string({ message: 'required' })
    .trim()
    .min(1, 'required')
    .refine((v) => deviceCode.safeParse(v).success, 'bad_device_code'),
  name: z.string({ message: 'required' }).trim().min(1, 'required').max(200),
  profile: z.string({ message: 'required' }).trim().min(1, 'required'),
  lat: z.coerce.number({ message: 'not_number' }).min(-90).max(90),
  lng: z.coerce.number({ message: 'not_number' }).min(-180).max(180),
  org_unit_code: optional,
  install_date: optional.pipe(z.iso.date('not_date').optional()),
  status: optional
    .transform((v) => (v === undefined ? v : (statusWords[v] ?? v)))
    .pipe(z.enum(['active', 'maintenance', 'retired'], { message: 'bad_status' }).optional()),
  access_token: optional.pipe(z.string().min(20).max(200).optional()),
});

const MAX_KEPT_ERRORS = 1000;
type Ctx = RequestContext & { actor: Actor };

/**
 * Import of devices from a CSV (any encoding of ADR 0049) or an xlsx workbook, with progress and a per-row report; each row is created whole or not at all.
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

  /** Reads the whole file first: a file the server cannot read, or whose header is wrong, starts no job. */
  async start(ctx: Ctx, fileName: string, data: Buffer, encoding?: ImportEncoding): Promise<string> {
    const file = await readTabularFile(data, encoding);
    const records = rowsByField(file, deviceColumns);
    const broken = file.broken.map((b) => rowError(b.line, null, 'line_unreadable', { detail: b.message }));
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
    records: { line: number; raw: Record<string, string> }[],
    errors: RowError[],
  ) {
    const total = records.length + errors.length;
    let rejected = errors.length;
    let imported = 0;
    let processed = errors.length;
    const minted: { code: string; token: string }[] = [];
    const reject = (e: RowError) => {
      rejected++;
      if (errors.length < MAX_KEPT_ERRORS) errors.push(e);
    };
    await this.jobs.progress(jobId, { total, processed, imported, rejected, errors });
    for (const { line, raw } of records) {
      const refusal = await this.importRow(ctx, line, raw, minted);
      if (refusal) reject(refusal);
      else imported++;
      processed++;
      if (processed % 25 === 0) await this.jobs.progress(jobId, { processed, imported, rejected, errors });
    }
    errors.sort((a, b) => a.line - b.line);
    await this.tokens.keep(jobId, ctx.actor.userId, minted);
    await this.jobs.progress(jobId, { processed: total, imported, rejected, errors });
    await this.jobs.finish(jobId, 'done');
  }

  /** Creates the device of one row, or says why not. */
  private async importRow(
    ctx: Ctx,
    line: number,
    raw: Record<string, string>,
    minted: { code: string; token: string }[],
  ): Promise<RowError | null> {
    const parsed = row.safeParse(raw);
    if (!parsed.success) return rowErrorFromIssue(line, parsed.error.issues[0]!);
    const r = parsed.data;
    const unitId = r.org_unit_code ? await this.devices.unitIdByCode(r.org_unit_code) : undefined;
    if (r.org_unit_code && !unitId)
      return rowError(line, 'org_unit_code', 'unit_not_found', { value: r.org_unit_code });
    try {
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
      return null;
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return rowError(line, null, 'refused', { reason: e.code, detail: e.message });
    }
  }
}
