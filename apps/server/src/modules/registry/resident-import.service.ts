import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { grantCovering, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { NewResident } from './registry.tables.js';
import { AppError, notFound } from '../../platform/errors/errors.js';
import type { ImportEncoding } from '@civitas/contracts/imports';
import { rowsByField } from '../../platform/imports/column-map.js';
import { rowError, rowErrorFromIssue } from '../../platform/imports/row-errors.js';
import { readTabularFile } from '../../platform/imports/tabular-file.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { BuildingsRepository } from './buildings.repository.js';
import type { ImportJobsRepository, RowError } from '../../platform/jobs/import-jobs.repository.js';
import { residentColumns, residentCsvRow } from './resident-csv.js';
import { idNumberIndexes, sealResident } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';
import { checkFields, type ResidentsService } from './residents.service.js';

const BATCH = 200;
/** Row errors kept in the job; beyond this only the count grows (a 100k-row bad file stays small). */
const MAX_KEPT_ERRORS = 1000;

type Reject = (e: RowError) => void;
type Rows = { line: number; raw: Record<string, string> }[];
type Parsed = { rows: Rows; broken: { line: number; message: string }[] };

interface Prepared {
  line: number;
  row: NewResident;
  unitNo: string | null;
  /** The ID number's index under every key of the ring (ADR 0042), for the holder check. */
  idLookup: string[];
}

/**
 * Import of residents from a CSV (any encoding of ADR 0049) or an xlsx workbook. Each row is checked on its own; good rows are written in batches, each
 * row fully or not at all, and bad rows come back with their line and reason.
 */
export class ResidentImportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly jobs: ImportJobsRepository,
    private readonly residents: ResidentsService,
    private readonly residentsRepo: ResidentsRepository,
    private readonly buildings: BuildingsRepository,
    private readonly orgs: OrgsService,
    private readonly cipher: FieldCipher,
    private readonly logger: Logger,
  ) {}

  /** Starts an import in the background and returns the job at once; poll it for progress. */
  async start(
    ctx: RequestContext & { actor: Actor },
    fileName: string,
    data: Buffer,
    encoding?: ImportEncoding,
  ): Promise<string> {
    const { jobId, parsed } = await this.begin(ctx.actor, fileName, data, encoding);
    this.run(ctx, jobId, parsed).catch(async (e: unknown) => {
      this.logger.error({ err: e, jobId }, 'resident import failed');
      await this.jobs.finish(jobId, 'failed').catch(() => undefined);
    });
    return jobId;
  }

  /** Imports to the end before returning (the operator CLI). */
  async importNow(
    ctx: RequestContext & { actor: Actor },
    fileName: string,
    data: Buffer,
    encoding?: ImportEncoding,
  ): Promise<string> {
    const { jobId, parsed } = await this.begin(ctx.actor, fileName, data, encoding);
    await this.run(ctx, jobId, parsed);
    return jobId;
  }

  /** Reads the whole file first: a file the server cannot read, or whose header is wrong, starts no job. */
  private async begin(actor: Actor, fileName: string, data: Buffer, encoding?: ImportEncoding) {
    const file = await readTabularFile(data, encoding);
    const parsed: Parsed = { rows: rowsByField(file, residentColumns), broken: file.broken };
    return { jobId: await this.jobs.create('residents', fileName, actor.userId), parsed };
  }

  private async run(ctx: RequestContext & { actor: Actor }, jobId: string, parsed: Parsed) {
    const errors: RowError[] = parsed.broken.map((b) =>
      rowError(b.line, null, 'line_unreadable', { detail: b.message }),
    );
    let rejected = errors.length;
    const reject: Reject = (e) => {
      rejected++;
      if (errors.length < MAX_KEPT_ERRORS) errors.push(e);
    };
    const total = parsed.rows.length + parsed.broken.length;
    await this.jobs.progress(jobId, { total, processed: 0, imported: 0, rejected, errors });

    const prepared = await this.prepare(ctx.actor, parsed.rows, reject);
    let imported = 0;
    let processed = total - parsed.rows.length + (parsed.rows.length - prepared.length);
    for (let i = 0; i < prepared.length; i += BATCH) {
      const batch = prepared.slice(i, i + BATCH);
      imported += await this.writeBatch(ctx, batch, reject);
      processed += batch.length;
      await this.jobs.progress(jobId, { processed, imported, rejected, errors });
    }
    errors.sort((a, b) => a.line - b.line);
    await this.jobs.progress(jobId, { processed: total, imported, rejected, errors });
    await this.jobs.finish(jobId, 'done');
  }

  private async prepare(actor: Actor, rows: Rows, reject: Reject): Promise<Prepared[]> {
    const buildingCodes = [
      ...new Set(rows.map((r) => r.raw.building_code?.trim()).filter((c): c is string => !!c)),
    ];
    const buildings = new Map((await this.buildings.findByCodes(buildingCodes)).map((b) => [b.code, b]));
    const grids = new Map<string, Awaited<ReturnType<OrgsService['findByCode']>>>();
    const seenIds = new Map<string, number>();
    const out: Prepared[] = [];
    for (const { line, raw } of rows) {
      const parsed = residentCsvRow.safeParse(raw);
      if (!parsed.success) {
        reject(rowErrorFromIssue(line, parsed.error.issues[0]!));
        continue;
      }
      const r = parsed.data;
      let fields;
      try {
        fields = checkFields({
          name: r.name,
          phone: r.phone,
          idNumber: r.id_number,
          birthDate: r.birth_date,
          gender: r.gender,
          flags: {
            elderlyLivingAlone: r.elderly_living_alone,
            disability: r.disability,
            child: r.child,
            needsAssistance: r.needs_assistance,
          },
        });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        reject(fieldsRefusal(line, e));
        continue;
      }
      let gridId: string;
      let gridPath: string;
      let buildingId: string | null = null;
      if (r.building_code) {
        const b = buildings.get(r.building_code);
        if (!b) {
          reject(rowError(line, 'building_code', 'building_not_found', { value: r.building_code }));
          continue;
        }
        ({ grid_id: gridId, unit_path: gridPath, id: buildingId } = b);
      } else if (r.grid_code) {
        if (!grids.has(r.grid_code)) grids.set(r.grid_code, await this.orgs.findByCode(r.grid_code));
        const g = grids.get(r.grid_code);
        if (!g || g.type !== 'grid') {
          reject(rowError(line, 'grid_code', 'grid_not_found', { value: r.grid_code }));
          continue;
        }
        if (g.status === 'retired') {
          reject(rowError(line, 'grid_code', 'unit_retired', { value: r.grid_code }));
          continue;
        }
        ({ id: gridId, path: gridPath } = g);
      } else {
        reject(rowError(line, 'building_code', 'place_required'));
        continue;
      }
      if (!grantCovering(actor, 'resident.import', gridPath)) {
        reject(rowError(line, r.building_code ? 'building_code' : 'grid_code', 'outside_area'));
        continue;
      }
      if (fields.idNumber) {
        const first = seenIds.get(fields.idNumber);
        if (first !== undefined) {
          reject(rowError(line, 'id_number', 'id_number_repeats', { line: first }));
          continue;
        }
        seenIds.set(fields.idNumber, line);
      }
      const row = sealResident(this.cipher, fields, { orgUnitId: gridId, buildingId, householdId: null });
      out.push({
        line,
        row,
        unitNo: buildingId ? r.unit_no : null,
        idLookup: fields.idNumber ? idNumberIndexes(this.cipher, fields.idNumber) : [],
      });
    }
    // The same rule as a single create (ADR 0021): a row is refused only for a holder in the
    // importer's own area; a holder elsewhere leaves the report unchanged.
    const paths = scopePaths(actor, 'resident.read');
    const existing = await this.residentsRepo.idNumberHolders(
      out.flatMap((p) => p.idLookup),
      paths.length === 0 ? [] : await this.orgs.unitsUnder(paths, actor.accessEpoch),
    );
    return out.filter((p) => {
      if (p.idLookup.some((h) => existing.has(h))) {
        reject(rowError(p.line, 'id_number', 'id_number_taken'));
        return false;
      }
      return true;
    });
  }

  /** One transaction per batch; if it fails, rows go one by one so only the bad row is lost. */
  private async writeBatch(ctx: RequestContext, batch: Prepared[], reject: Reject): Promise<number> {
    try {
      await this.writeRows(ctx, batch);
      return batch.length;
    } catch {
      let ok = 0;
      for (const p of batch) {
        try {
          await this.writeRows(ctx, [p]);
          ok++;
        } catch (e) {
          const taken = (e as { code?: string }).code === '23505';
          reject(
            taken ? rowError(p.line, 'id_number', 'id_number_taken') : rowError(p.line, null, 'store_failed'),
          );
        }
      }
      return ok;
    }
  }

  private async writeRows(ctx: RequestContext, rows: Prepared[]) {
    await this.db.transaction().execute(async (trx) => {
      for (const p of rows) {
        if (p.unitNo && p.row.building_id)
          p.row.household_id = await this.residentsRepo.householdId(trx, p.row.building_id, p.unitNo);
      }
      await this.residents.insertSealed(
        trx,
        ctx,
        rows.map((p) => p.row),
      );
    });
  }

  async job(actor: Actor, id: string) {
    const job = await this.jobs.find(id);
    if (!job || job.created_by !== actor.userId) throw notFound('Import job');
    return job;
  }
}

/** checkFields' refusal of an ID number or birth date, as the row error of its column. */
function fieldsRefusal(line: number, e: AppError): RowError {
  const fieldError = e.extra.errors?.[0];
  if (fieldError?.path === 'body.birthDate') {
    const embedded = /\((\d{4}-\d{2}-\d{2})\)/.exec(fieldError.message)?.[1] ?? '';
    return rowError(line, 'birth_date', 'birth_date_mismatch', { embedded });
  }
  const message = fieldError?.message ?? e.message;
  // idNumberProblem's three sentences, as words the web translates.
  const problem = /check character/.test(message)
    ? 'check_char'
    : /birth date/.test(message)
      ? 'impossible_date'
      : 'format';
  return rowError(line, 'id_number', 'bad_id_number', { problem, reason: message });
}
