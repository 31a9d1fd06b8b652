import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { EventBus, Topic } from '../bus/event-bus.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { FileStore } from '../files/file-store.js';
import type { FileReferences } from '../files/orphan-file-sweep.js';
import type { App } from '../http/http-server.js';
import type { ImportJobsRepository } from '../jobs/import-jobs.repository.js';
import type { JobDefinition } from '../jobs/job-scheduler.js';
import type { RateCounter } from '../rate-limit/rate-counter.js';
import type { Metrics } from '../metrics/metrics.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { Readiness } from '../lifecycle/readiness.js';

/** What the platform hands every module (ADR 0030): the shared machinery, never another module. */
export interface ModuleHost {
  readonly config: Config;
  readonly database: Database;
  readonly db: Kysely<DB>;
  readonly cipher: FieldCipher;
  readonly logger: Logger;
  readonly audit: AuditLog;
  readonly bus: EventBus;
  /** The dependency checks /readyz reports (ADR 0038); whoever opens a dependency registers it. */
  readonly readiness: Readiness;
  readonly rateCounter: RateCounter;
  readonly fileStore: FileStore;
  /** Progress and per-row reports of long imports, whatever module runs them. */
  readonly importJobs: ImportJobsRepository;
  /** Small facts about this installation (key fingerprint, demo loaded, …). */
  readonly settings: SettingsStore;
  /** Time as the modules see it; tests pass a manual clock to move deadlines. */
  readonly clock: { now(): Date };
  /** This process's Prometheus metrics, served at /api/metrics (the monitoring module). */
  readonly monitoring: Metrics;
}

/**
 * One module's manifest (ADR 0030): what it owns (tables, services, routes, jobs, the events it
 * publishes and consumes) and what it needs from modules listed before it in the composition root.
 * `Needs` names services by the key an earlier module provides them under; `Provides` is the
 * module's public face, the only way other modules and the composition root reach it.
 */
export interface ModuleDefinition<N extends string, Needs extends object, Provides extends object> {
  readonly name: N;
  /** Exactly the keys of `Needs`: checked at compile time (the literal must list all of them) and at start. */
  readonly needs: { readonly [K in keyof Needs]-?: true };
  /** Tables this module's migrations create and only its code reads or writes (the drift test checks). */
  readonly tables: readonly string[];
  /**
   * Tables of other owners its SQL reads (joins for scoping, names, counts). Each is a reviewed
   * exception to reading through the owner's service; the table-ownership test fails on any
   * read not listed here.
   */
  readonly reads?: readonly string[];
  /** Tables of other owners its SQL writes: debts listed so that none is added unseen. */
  readonly writes?: readonly string[];
  /** Bus topics it publishes or enqueues. */
  readonly publishes: readonly Topic[];
  /** Bus topics it subscribes to or consumes. */
  readonly subscribes: readonly Topic[];
  create(host: ModuleHost, needs: Needs): Provides;
  /** Its HTTP routes, given its own services and the ones it needs. */
  routes?(app: App, services: Provides & Needs, host: ModuleHost): void;
  /** Its periodic jobs; the platform's scheduler runs them in processes with the `jobs` role. */
  jobs?(services: Provides, host: ModuleHost): readonly JobDefinition[];
  /** Where its rows point at stored files, so the orphan sweep keeps those files. */
  fileReferences?(services: Provides): readonly FileReferences[];
}

/**
 * Declares a module with the services it needs: `defineModule<{ orgs: OrgsService }>()({ … })`.
 * Curried so `Needs` is written once and the name and public face are inferred.
 */
export function defineModule<Needs extends object = Record<never, never>>() {
  return <const N extends string, Provides extends object>(
    m: ModuleDefinition<N, Needs, Provides>,
  ): ModuleDefinition<N, Needs, Provides> => m;
}

/** A compile-time refusal naming the services a module needs that no earlier module provides. */
type NeedsMet<Have, Needs> = Have extends Needs
  ? unknown
  : {
      readonly 'needs a service no earlier module provides (or of another type)': Exclude<
        keyof Needs,
        keyof Have
      >;
    };

/** A module once composed: its manifest with the services it provides. */
export interface ComposedModule {
  readonly name: string;
  readonly needs: readonly string[];
  readonly provides: readonly string[];
  readonly tables: readonly string[];
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly publishes: readonly Topic[];
  readonly subscribes: readonly Topic[];
  routes(app: App): void;
  jobs(): readonly JobDefinition[];
  fileReferences(): readonly FileReferences[];
}

/** Tables the platform itself owns (schema_migrations aside): settings, limits, jobs, bus, audit, imports, epochs, units. */
export const PLATFORM_TABLES: readonly string[] = [
  'system_settings',
  'rate_counters',
  'job_schedule',
  'bus_groups',
  'bus_work',
  'bus_broadcast_overflow',
  'access_epoch',
  'registry_epoch',
  'audit_log',
  'audit_head',
  'import_jobs',
  'file_objects',
  'file_chunks',
  // SECRET_KEY rotation (ADR 0042).
  'key_rotation_progress',
  'audit_chain_keys',
];

/**
 * The composition root's builder: modules are added in order, each created with the services of
 * the modules before it. A module whose needs are not yet provided does not compile; the same
 * rule, a provided name taken twice and a table claimed twice are refused at start too.
 */
export class Composition<Have extends object> {
  private constructor(
    readonly host: ModuleHost,
    readonly services: Have,
    readonly modules: readonly ComposedModule[],
  ) {}

  /** Starts with what the platform exposes to the composition root (never to modules by name). */
  static start<Platform extends object>(host: ModuleHost, platform: Platform): Composition<Platform> {
    return new Composition(host, platform, []);
  }

  add<N extends string, Needs extends object, Provides extends object>(
    m: ModuleDefinition<N, Needs, Provides> & NeedsMet<Have, Needs>,
  ): Composition<Have & Provides> {
    const have = this.services as Record<string, unknown>;
    if (this.modules.some((x) => x.name === m.name)) throw new Error(`module ${m.name} is listed twice`);
    const needs = Object.keys(m.needs);
    const picked: Record<string, unknown> = {};
    for (const k of needs) {
      if (!(k in have))
        throw new Error(`module ${m.name} needs "${k}", which no module listed before it provides`);
      picked[k] = have[k];
    }
    for (const t of m.tables) {
      const owner = PLATFORM_TABLES.includes(t)
        ? 'the platform'
        : this.modules.find((x) => x.tables.includes(t))?.name;
      if (owner) throw new Error(`module ${m.name} declares table ${t}, which ${owner} owns`);
    }
    const own = m.create(this.host, picked as Needs);
    const provides = Object.keys(own);
    for (const k of provides)
      if (k in have) throw new Error(`module ${m.name} provides "${k}", a name already taken`);
    const host = this.host;
    const composed: ComposedModule = {
      name: m.name,
      needs,
      provides,
      tables: m.tables,
      reads: m.reads ?? [],
      writes: m.writes ?? [],
      publishes: m.publishes,
      subscribes: m.subscribes,
      routes: (app) => m.routes?.(app, { ...(picked as Needs), ...own }, host),
      jobs: () => m.jobs?.(own, host) ?? [],
      fileReferences: () => m.fileReferences?.(own) ?? [],
    };
    return new Composition(host, { ...this.services, ...own }, [...this.modules, composed]);
  }
}
