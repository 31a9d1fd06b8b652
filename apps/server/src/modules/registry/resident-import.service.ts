import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { grantCovering, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { NewResident } from './registry.tables.js';
import { AppError, badRequest, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { BuildingsRepository } from './buildings.repository.js';
import type { ImportJobsRepository, RowError } from '../../platform/jobs/import-jobs.repository.js';
import { CsvHeaderError, parseResidentCsv, residentCsvRow } from './resident-csv.js';
import { idNumberIndexes, sealResident } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';
import { checkFields, type ResidentsService } from './residents.service.js';

const BATCH = 200;
/** Row errors kept in the job; beyond this only the count grows (a 100k-row bad file stays small). */
const MAX_KEPT_ERRORS = 1000;

interface Prepared {
  line: number;
  row: NewResident;
  unitNo: string | null;
  /** The ID number's index under every key of the ring (ADR 0042), for the holder check. */
  idLookup: string[];
}

/**
 * CSV import of residents. Each row is checked on its own; good rows are written in batches, each
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
  async start(ctx: RequestContext & { actor: Actor }, fileName: string, data: Buffer): Promise<string> {
    const { jobId, parsed } = await this.begin(ctx.actor, fileName, data);
    this.run(ctx, jobId, parsed).catch(async (e: unknown) => {
      this.logger.error({ err: e, jobId }, 'resident import failed');
      await this.jobs.finish(jobId, 'failed').catch(() => undefined);
    });
    return jobId;
  }

  /** Imports to the end before returning (the operator CLI). */
  async importNow(ctx: RequestContext & { actor: Actor }, fileName: string, data: Buffer): Promise<string> {
    const { jobId, parsed } = await this.begin(ctx.actor, fileName, data);
    await this.run(ctx, jobId, parsed);
    return jobId;
  }

  private async begin(actor: Actor, fileName: string, data: Buffer) {
    let parsed;
    try {
      parsed = parseResidentCsv(data);
    } catch (e) {
      if (e instanceof CsvHeaderError) throw badRequest('csv_header', `file: ${e.message}`);
      throw badRequest('csv_unreadable', `file: not a readable CSV (${(e as Error).message})`);
    }
    return { jobId: await this.jobs.create('residents', fileName, actor.userId), parsed };
  }

  private async run(
    ctx: RequestContext & { actor: Actor },
    jobId: string,
    parsed: ReturnType<typeof parseResidentCsv>,
  ) {
    const errors: RowError[] = parsed.broken.map((b) => ({ line: b.line, field: null, message: b.message }));
    let rejected = errors.length;
    const reject = (line: number, field: string | null, message: string) => {
      rejected++;
      if (errors.length < MAX_KEPT_ERRORS) errors.push({ line, field, message });
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

  private async prepare(
    actor: Actor,
    rows: { line: number; raw: Record<string, string> }[],
    reject: (line: number, field: string | null, message: string) => void,
  ): Promise<Prepared[]> {
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
        const issue = parsed.error.issues[0]!;
        reject(line, String(issue.path[0] ?? ''), `${String(issue.path[0] ?? 'row')} ${issue.message}`);
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
        const msg = e instanceof AppError ? e.message : String(e);
        reject(
          line,
          msg.startsWith('birthDate') ? 'birth_date' : 'id_number',
          msg.replace(/^idNumber/, 'id_number').replace(/^birthDate/, 'birth_date'),
        );
        continue;
      }
      let gridId: string;
      let gridPath: string;
      let buildingId: string | null = null;
      if (r.building_code) {
        const b = buildings.get(r.building_code);
        if (!b) {
          reject(line, 'building_code', `building_code ${r.building_code} does not exist`);
          continue;
        }
        ({ grid_id: gridId, unit_path: gridPath, id: buildingId } = b);
      } else if (r.grid_code) {
        if (!grids.has(r.grid_code)) grids.set(r.grid_code, await this.orgs.findByCode(r.grid_code));
        const g = grids.get(r.grid_code);
        if (!g || g.type !== 'grid') {
          reject(line, 'grid_code', `grid_code ${r.grid_code} is not a grid`);
          continue;
        }
        if (g.status === 'retired') {
          reject(
            line,
            'grid_code',
            `grid_code ${r.grid_code} is retired (ADR 0043): use the unit it merged into`,
          );
          continue;
        }
        ({ id: gridId, path: gridPath } = g);
      } else {
        reject(line, 'building_code', 'give building_code or grid_code');
        continue;
      }
      if (!grantCovering(actor, 'resident.import', gridPath)) {
        reject(line, r.building_code ? 'building_code' : 'grid_code', 'the place lies outside your area');
        continue;
      }
      if (fields.idNumber) {
        const first = seenIds.get(fields.idNumber);
        if (first !== undefined) {
          reject(line, 'id_number', `id_number repeats line ${first}`);
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
        reject(p.line, 'id_number', 'id_number is already registered in your area');
        return false;
      }
      return true;
    });
  }

  /** One transaction per batch; if it fails, rows go one by one so only the bad row is lost. */
  private async writeBatch(
    ctx: RequestContext,
    batch: Prepared[],
    reject: (line: number, field: string | null, message: string) => void,
  ): Promise<number> {
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
          reject(
            p.line,
            null,
            `could not be stored: ${(e as { code?: string }).code === '23505' ? 'id_number is already registered in your area' : 'database error'}`,
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
