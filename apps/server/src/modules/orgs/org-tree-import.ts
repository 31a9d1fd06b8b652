import { boundaryGeometry, type BoundaryGeometry } from '@civitas/contracts/common';
import { orgUnitCode, orgUnitTypes, type OrgUnitType } from '@civitas/contracts/orgs';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../platform/auth/actor.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/errors.js';
import type { OrgsService, OrgUnitRow } from './orgs.service.js';

/** Which feature property holds what, and how the file names each level. */
export interface OrgImportMapping {
  code: string;
  parent: string;
  nameZh: string;
  nameEn: string;
  level: string;
  /** A level value as the file writes it (`街道`, `8` for an OSM admin_level) → our unit type. */
  levels: Record<string, OrgUnitType>;
}

/** Our own export's property names, and the usual Chinese level names. */
export const defaultOrgImportMapping: OrgImportMapping = {
  code: 'code',
  parent: 'parent_code',
  nameZh: 'name_zh',
  nameEn: 'name_en',
  level: 'level',
  levels: {
    ...Object.fromEntries(orgUnitTypes.map((t) => [t, t])),
    区: 'district',
    县: 'district',
    县级市: 'district',
    街道: 'street',
    街道办事处: 'street',
    乡: 'township',
    镇: 'township',
    社区: 'community',
    居委会: 'community',
    村: 'village',
    村委会: 'village',
    网格: 'grid',
  },
};

export interface OrgImportProblem {
  /** 1-based position of the feature in the file. */
  feature: number;
  code: string | null;
  message: string;
}

export interface OrgImportReport {
  dryRun: boolean;
  /** Whether the units were created (false on a dry run or when anything was refused). */
  applied: boolean;
  features: number;
  byType: Partial<Record<OrgUnitType, number>>;
  /** Features whose English name was missing and took the Chinese one. */
  englishFromChinese: number;
  problems: OrgImportProblem[];
}

interface Planned {
  feature: number;
  code: string;
  parentCode: string | null;
  type: OrgUnitType;
  name: { 'zh-CN': string; en: string };
  boundary: BoundaryGeometry | null;
}

class DryRunDone extends Error {}

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;

/**
 * Imports an org tree from a GeoJSON FeatureCollection: one feature per unit with its code, parent
 * code, names and level in properties named by `mapping`, and its boundary as geometry (or none).
 * Parents may come earlier or later in the file, or already exist. Everything is checked first
 * (properties, codes, levels, parents, cycles), then all units are created in one transaction in
 * parent-first order through the same path as a unit created in the web, so the boundary rules
 * (within the parent, apart from siblings: ADR 0037) hold. Nothing is created unless every unit
 * is; a dry run goes through the whole transaction, checks included, and rolls it back.
 */
export class OrgTreeImport {
  constructor(
    private readonly orgs: OrgsService,
    private readonly db: Kysely<DB>,
  ) {}

  async run(
    ctx: RequestContext,
    geojson: unknown,
    mapping: OrgImportMapping = defaultOrgImportMapping,
    opts: { dryRun?: boolean } = {},
  ): Promise<OrgImportReport> {
    const dryRun = opts.dryRun ?? false;
    const report: OrgImportReport = {
      dryRun,
      applied: false,
      features: 0,
      byType: {},
      englishFromChinese: 0,
      problems: [],
    };
    const features = (geojson as { type?: unknown; features?: unknown } | null)?.features;
    if ((geojson as { type?: unknown } | null)?.type !== 'FeatureCollection' || !Array.isArray(features)) {
      report.problems.push({ feature: 0, code: null, message: 'file: not a GeoJSON FeatureCollection' });
      return report;
    }
    report.features = features.length;
    const planned = this.plan(features, mapping, report);
    const ordered = report.problems.length === 0 ? await this.order(planned, report) : [];
    if (report.problems.length > 0) return report;
    for (const p of ordered) report.byType[p.type] = (report.byType[p.type] ?? 0) + 1;
    try {
      await this.db.transaction().execute(async (trx) => {
        const created = new Map<string, OrgUnitRow>();
        for (const p of ordered) {
          const parent = p.parentCode
            ? (created.get(p.parentCode) ?? (await this.orgs.findByCode(p.parentCode)))
            : undefined;
          try {
            const row = await this.orgs.insertUnit(
              trx,
              ctx,
              {
                code: p.code,
                type: p.type,
                name: p.name,
                parentId: parent?.id ?? null,
                boundary: p.boundary,
              },
              parent,
            );
            created.set(p.code, row);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            report.problems.push({ feature: p.feature, code: p.code, message: e.message });
            throw e;
          }
        }
        if (dryRun) throw new DryRunDone();
      });
      report.applied = true;
      // Caches of places (units containing a point, the map area) read the new tree.
      this.orgs.placesChanged();
    } catch (e) {
      if (!(e instanceof DryRunDone) && !(e instanceof AppError)) throw e;
    }
    return report;
  }

  private plan(features: unknown[], m: OrgImportMapping, report: OrgImportReport): Planned[] {
    const out: Planned[] = [];
    const seen = new Map<string, number>();
    features.forEach((f, i) => {
      const feature = i + 1;
      const problem = (message: string, code: string | null = null) =>
        report.problems.push({ feature, code, message });
      const props = ((f as { properties?: unknown } | null)?.properties ?? {}) as Record<string, unknown>;
      const code = text(props[m.code]);
      if (!code) return problem(`property "${m.code}" (the unit's code) is missing`);
      const parsedCode = orgUnitCode.safeParse(code);
      if (!parsedCode.success) return problem(`${m.code}: ${parsedCode.error.issues[0]!.message}`, code);
      if (seen.has(code))
        return problem(`${m.code} ${code} appears again (first in feature ${seen.get(code)})`, code);
      seen.set(code, feature);
      const level = text(props[m.level]);
      const type = level === null ? undefined : m.levels[level];
      if (!type)
        return problem(
          level === null
            ? `property "${m.level}" (the unit's level) is missing`
            : `${m.level} "${level}" is not a known level (known: ${Object.keys(m.levels).join(', ')})`,
          code,
        );
      const zh = text(props[m.nameZh]);
      const en = text(props[m.nameEn]);
      if (!zh && !en) return problem(`neither "${m.nameZh}" nor "${m.nameEn}" gives a name`, code);
      if (!en) report.englishFromChinese++;
      const geometry = (f as { geometry?: unknown } | null)?.geometry ?? null;
      let boundary: BoundaryGeometry | null = null;
      if (geometry !== null) {
        const g = boundaryGeometry.safeParse(geometry);
        if (!g.success)
          return problem(
            `geometry: not a Polygon or MultiPolygon (found ${text((geometry as { type?: unknown }).type) ?? 'nothing'})`,
            code,
          );
        boundary = g.data;
      }
      out.push({
        feature,
        code,
        parentCode: text(props[m.parent]),
        type,
        name: { 'zh-CN': zh ?? en!, en: en ?? zh! },
        boundary,
      });
    });
    return out;
  }

  /** Parent-first order; a parent neither in the file nor in the database, or a cycle, is a problem. */
  private async order(planned: Planned[], report: OrgImportReport): Promise<Planned[]> {
    const byCode = new Map(planned.map((p) => [p.code, p]));
    const existing = new Set<string>();
    for (const p of planned) {
      if (await this.orgs.findByCode(p.code))
        report.problems.push({ feature: p.feature, code: p.code, message: `code ${p.code} already exists` });
      if (p.parentCode && !byCode.has(p.parentCode) && !existing.has(p.parentCode)) {
        if (await this.orgs.findByCode(p.parentCode)) existing.add(p.parentCode);
        else
          report.problems.push({
            feature: p.feature,
            code: p.code,
            message: `parent ${p.parentCode} is neither in the file nor an existing unit`,
          });
      }
    }
    const ordered: Planned[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (p: Planned): boolean => {
      if (state.get(p.code) === 'done') return true;
      if (state.get(p.code) === 'visiting') {
        report.problems.push({ feature: p.feature, code: p.code, message: `${p.code} is its own ancestor` });
        return false;
      }
      state.set(p.code, 'visiting');
      const parent = p.parentCode ? byCode.get(p.parentCode) : undefined;
      if (parent && !visit(parent)) return false;
      state.set(p.code, 'done');
      ordered.push(p);
      return true;
    };
    for (const p of planned) if (!visit(p)) break;
    return ordered;
  }
}
