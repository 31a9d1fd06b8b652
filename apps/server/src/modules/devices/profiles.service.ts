import type { DeviceProfile, DeviceProfileInput } from '@civitas/contracts/devices';
import {
  PROFILE_FILE_FORMAT,
  profileWrite,
  type ProfileFile,
  type ProfileImportItem,
  type ProfileImportReport,
  type ProfileUpdate,
} from '@civitas/contracts/device-profiles';
import type { Kysely, Transaction } from 'kysely';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError, conflict, notFound, validationFailed } from '../../platform/errors/errors.js';
import { presentProfile, profileInput } from './devices.presenter.js';
import { assertMayDefineProfiles, profileGrant } from './profile-policy.js';
import type { ProfilesRepository, ProfileWithCount } from './profiles.repository.js';

type Ctx = RequestContext & { actor: Actor };
/** Which of `metrics` have stored readings on devices of the profile (the telemetry module answers). */
export type MetricDataCheck = (profileId: string, metrics: string[]) => Promise<string[]>;

/**
 * Device profiles as data (ADR 0041): operators define, change, copy, retire and import them.
 * Built-in profiles follow the code and stay read-only. Every change is audited and announced on
 * the bus (`device.changed` with no device), which drops every process's cached profiles, so a
 * changed mapping or range applies to the next reading without a restart.
 */
export class ProfilesService {
  private metricData: MetricDataCheck = () => Promise.resolve([]);

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: ProfilesRepository,
    private readonly audit: AuditLog,
    private readonly bus: EventBus,
  ) {}

  /** The telemetry module says which metrics have data, so one with data is not removed. */
  onMetricDataCheck(check: MetricDataCheck): void {
    this.metricData = check;
  }

  async list(actor: Actor): Promise<{ items: DeviceProfile[]; canDefine: boolean }> {
    const rows = await this.repo.allWithCounts();
    return { items: rows.map(presentProfile), canDefine: profileGrant(actor) !== undefined };
  }

  async get(id: string): Promise<ProfileWithCount> {
    const p = await this.repo.findById(id);
    if (!p) throw notFound('Device profile');
    return p;
  }

  async create(
    ctx: Ctx,
    input: DeviceProfileInput,
    action = 'device_profile.create',
  ): Promise<DeviceProfile> {
    const grant = assertMayDefineProfiles(ctx.actor);
    const id = await this.db.transaction().execute(async (trx) => {
      if (await this.repo.findByCode(input.code, trx))
        throw conflict('code_taken', `code: a device profile ${input.code} already exists`);
      const newId = await this.repo.insert(trx, input);
      await this.audit.append(trx, ctx, {
        action,
        targetType: 'device_profile',
        targetId: newId,
        grant,
        detail: { code: input.code, metrics: input.metrics.map((m) => m.key) },
      });
      return newId;
    });
    this.changed();
    return presentProfile((await this.repo.findById(id))!);
  }

  async copy(ctx: Ctx, id: string, code: string, name?: DeviceProfileInput['name']) {
    assertMayDefineProfiles(ctx.actor);
    const source = profileInput(await this.get(id));
    const input = { ...source, code, name: name ?? source.name };
    // A built-in metric has no display name of its own (the web names it): the copy takes its key.
    input.metrics = input.metrics.map((m) => ({ ...m, name: m.name ?? { 'zh-CN': m.key, en: m.key } }));
    const parsed = profileWrite.safeParse(input);
    if (!parsed.success)
      throw validationFailed(
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    return this.create(ctx, parsed.data, 'device_profile.copy');
  }

  async update(ctx: Ctx, id: string, patch: ProfileUpdate): Promise<DeviceProfile> {
    const grant = assertMayDefineProfiles(ctx.actor);
    const { version, ...body } = patch;
    const current = await this.get(id);
    if (current.builtin) throw builtinRefused(current.code);
    // Checked before the write's transaction (PGlite has one connection); the version check below
    // refuses the write if the profile changed in between.
    await this.assertMetricsKept(
      current,
      body.metrics.map((m) => m.key),
    );
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.repo.update(trx, id, new Date(version), body)))
        throw conflict('stale_version', 'The profile was changed by someone else; reload and try again.');
      await this.audit.append(trx, ctx, {
        action: 'device_profile.update',
        targetType: 'device_profile',
        targetId: id,
        grant,
        detail: { code: current.code, changes: changedFields(profileInput(current), body) },
      });
    });
    this.changed();
    return presentProfile((await this.repo.findById(id))!);
  }

  async retire(ctx: Ctx, id: string): Promise<DeviceProfile> {
    const grant = assertMayDefineProfiles(ctx.actor);
    await this.db.transaction().execute(async (trx) => {
      const p = await this.repo.findById(id, trx);
      if (!p) throw notFound('Device profile');
      if (p.builtin) throw builtinRefused(p.code);
      if (p.retired_at) return;
      await this.repo.retire(trx, id);
      await this.audit.append(trx, ctx, {
        action: 'device_profile.retire',
        targetType: 'device_profile',
        targetId: id,
        grant,
        detail: { code: p.code, devices: p.device_count },
      });
    });
    this.changed();
    return presentProfile((await this.repo.findById(id))!);
  }

  async remove(ctx: Ctx, id: string): Promise<void> {
    const grant = assertMayDefineProfiles(ctx.actor);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.lock(trx, id);
      const p = await this.repo.findById(id, trx);
      if (!p) throw notFound('Device profile');
      if (p.builtin) throw builtinRefused(p.code);
      if (p.device_count > 0)
        throw conflict(
          'profile_in_use',
          `${p.device_count} device(s) use profile ${p.code}; retire it instead`,
          { devices: p.device_count },
        );
      await this.repo.delete(trx, id);
      await this.audit.append(trx, ctx, {
        action: 'device_profile.delete',
        targetType: 'device_profile',
        targetId: id,
        grant,
        detail: { code: p.code },
      });
    });
    this.changed();
  }

  async exportFile(includeBuiltin: boolean): Promise<ProfileFile> {
    const rows = await this.repo.all();
    return {
      format: PROFILE_FILE_FORMAT,
      profiles: rows.filter((r) => includeBuiltin || !r.builtin).map(profileInput),
    };
  }

  /**
   * All or nothing: every profile of the file is checked (schema, built-in codes, metrics with data)
   * and reported; only when none is refused, and not on a dry run, are they written, in one transaction.
   */
  async importFile(ctx: Ctx, profiles: unknown[], dryRun: boolean): Promise<ProfileImportReport> {
    const grant = assertMayDefineProfiles(ctx.actor);
    const existing = new Map((await this.repo.allWithCounts()).map((p) => [p.code, p]));
    const seen = new Set<string>();
    const plan: { input: DeviceProfileInput; current: ProfileWithCount | undefined }[] = [];
    const items: ProfileImportItem[] = [];
    for (const [index, raw] of profiles.entries()) {
      const code = codeOf(raw);
      const parsed = profileWrite.safeParse(raw);
      if (!parsed.success) {
        items.push({
          index,
          code,
          action: 'refused',
          errors: parsed.error.issues.map((i) => ({
            path: i.path.join('.'),
            code: 'validation_failed',
            message: i.message,
          })),
        });
        continue;
      }
      const input = parsed.data;
      const current = existing.get(input.code);
      const refuse = (c: string, message: string) =>
        items.push({
          index,
          code: input.code,
          action: 'refused',
          errors: [{ path: 'code', code: c, message }],
        });
      if (seen.has(input.code)) {
        refuse('code_taken', `${input.code} appears more than once in the file`);
        continue;
      }
      seen.add(input.code);
      if (current?.builtin) {
        refuse('profile_builtin', `${input.code} is a built-in profile; import it under another code`);
        continue;
      }
      if (current) {
        try {
          await this.assertMetricsKept(
            current,
            input.metrics.map((m) => m.key),
          );
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          refuse(e.code, e.message);
          continue;
        }
      }
      const same = current && changedFields(profileInput(current), input).length === 0;
      items.push({
        index,
        code: input.code,
        action: !current ? 'create' : same ? 'unchanged' : 'update',
        errors: [],
      });
      if (!same) plan.push({ input, current });
    }
    const ok = items.every((i) => i.action !== 'refused');
    if (!ok || dryRun) return { dryRun, applied: false, items };
    await this.db.transaction().execute(async (trx) => {
      for (const { input, current } of plan) await this.write(trx, ctx, grant, input, current);
    });
    if (plan.length > 0) this.changed();
    return { dryRun, applied: true, items };
  }

  private async write(
    trx: Transaction<DB>,
    ctx: Ctx,
    grant: ReturnType<typeof assertMayDefineProfiles>,
    input: DeviceProfileInput,
    current: ProfileWithCount | undefined,
  ) {
    let id = current?.id;
    if (current) {
      const { code: _c, ...body } = input;
      if (!(await this.repo.update(trx, current.id, current.updated_at, body)))
        throw conflict('stale_version', `Profile ${input.code} was changed during the import; try again.`);
    } else {
      id = await this.repo.insert(trx, input);
    }
    await this.audit.append(trx, ctx, {
      action: current ? 'device_profile.update' : 'device_profile.create',
      targetType: 'device_profile',
      targetId: id!,
      grant,
      detail: { code: input.code, via: 'import' },
    });
  }

  /**
   * A metric with stored readings cannot be dropped: its history would lose its unit, range and name
   * (ADR 0041). A metric nobody has reported yet may go.
   */
  private async assertMetricsKept(current: ProfileWithCount, keys: string[]): Promise<void> {
    const dropped = (current.metrics as { key: string }[]).map((m) => m.key).filter((k) => !keys.includes(k));
    if (dropped.length === 0 || current.device_count === 0) return;
    const withData = await this.metricData(current.id, dropped);
    if (withData.length > 0)
      throw conflict(
        'metric_has_data',
        `metric(s) ${withData.join(', ')} have stored readings and must stay`,
        {
          metrics: withData,
        },
      );
  }

  private changed(): void {
    this.bus.publish('device.changed', { deviceId: null });
  }
}

function builtinRefused(code: string) {
  return conflict('profile_builtin', `${code} is a built-in profile and cannot be changed; copy it instead`);
}

function codeOf(raw: unknown): string | null {
  const c = (raw as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c.slice(0, 64) : null;
}

/** Top-level fields whose value differs (for the audit record and the import's "unchanged"). */
function changedFields(before: DeviceProfileInput, after: Omit<DeviceProfileInput, 'code'>): string[] {
  return (Object.keys(after) as (keyof typeof after)[]).filter(
    (k) => canonical(before[k]) !== canonical(after[k]),
  );
}

/** JSON with object keys sorted: jsonb stores keys in its own order, the file in the writer's. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}
