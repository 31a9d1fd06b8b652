import { boundaryGeometry, type BoundaryGeometry } from '@civitas/contracts/common';
import type { OrgImportProblemOut, OrgImportReportOut } from '@civitas/contracts/org-lifecycle';
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

/** A problem with one feature (1-based; 0 for the file), in English and as data for the web. */
export type OrgImportProblem = OrgImportProblemOut;

export type OrgImportReport = OrgImportReportOut;

/**
 * Says whether the caller may create a unit under `parent` (undefined: a new top-level unit);
 * a message when not. The CLI, run by the operator, passes none.
 */
export type OrgImportAuthorizer = (parent: OrgUnitRow | undefined) => string | null;

interface Planned {
  feature: number;
  code: string;
  parentCode: string | null;
  type: OrgUnitType;
  name: { 'zh-CN': string; en: string };
  boundary: BoundaryGeometry | null;
}

class DryRunDone extends Error {}
class ImportRefused extends Error {}

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
    opts: { dryRun?: boolean; authorize?: OrgImportAuthorizer } = {},
  ): Promise<OrgImportReport> {
    const dryRun = opts.dryRun ?? false;
    const report: OrgImportReport = {
      dryRun,
      applied: false,
      features: 0,
      byType: {},
      englishFromChinese: 0,
      units: [],
      problems: [],
    };
    const features = (geojson as { type?: unknown; features?: unknown } | null)?.features;
    if ((geojson as { type?: unknown } | null)?.type !== 'FeatureCollection' || !Array.isArray(features)) {
      report.problems.push(
        problemOf(0, null, 'not_feature_collection', 'file: not a GeoJSON FeatureCollection'),
      );
      return report;
    }
    report.features = features.length;
    const planned = this.plan(features, mapping, report);
    const ordered = report.problems.length === 0 ? await this.order(planned, report) : [];
    if (report.problems.length > 0) return report;
    for (const p of ordered) {
      report.byType[p.type] = (report.byType[p.type] ?? 0) + 1;
      report.units.push({
        feature: p.feature,
        code: p.code,
        type: p.type,
        name: p.name,
        parentCode: p.parentCode,
        hasBoundary: p.boundary !== null,
      });
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        const created = new Map<string, OrgUnitRow>();
        for (const p of ordered) {
          const parent = p.parentCode
            ? (created.get(p.parentCode) ?? (await this.orgs.findByCode(p.parentCode, trx)))
            : undefined;
          const refusal = created.has(p.parentCode ?? '') ? null : (opts.authorize?.(parent) ?? null);
          if (refusal) {
            report.problems.push(problemOf(p.feature, p.code, 'not_permitted', refusal));
            throw new ImportRefused();
          }
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
            report.problems.push({
              ...problemOf(p.feature, p.code, 'refused', e.message),
              error: { ...(e.extra.body ?? {}), code: e.code },
            });
            throw e;
          }
        }
        if (dryRun) throw new DryRunDone();
      });
      report.applied = true;
      // Caches of places (units containing a point, the map area) read the new tree.
      this.orgs.placesChanged();
    } catch (e) {
      if (!(e instanceof DryRunDone) && !(e instanceof AppError) && !(e instanceof ImportRefused)) throw e;
    }
    return report;
  }

  private plan(features: unknown[], m: OrgImportMapping, report: OrgImportReport): Planned[] {
    const out: Planned[] = [];
    const seen = new Map<string, number>();
    features.forEach((f, i) => {
      const feature = i + 1;
      const problem = (
        kind: OrgImportProblem['kind'],
        message: string,
        code: string | null = null,
        params: OrgImportProblem['params'] = {},
      ) => report.problems.push(problemOf(feature, code, kind, message, params));
      const props = ((f as { properties?: unknown } | null)?.properties ?? {}) as Record<string, unknown>;
      const code = text(props[m.code]);
      if (!code)
        return problem('code_missing', `property "${m.code}" (the unit's code) is missing`, null, {
          property: m.code,
        });
      const parsedCode = orgUnitCode.safeParse(code);
      if (!parsedCode.success)
        return problem('code_invalid', `${m.code}: ${parsedCode.error.issues[0]!.message}`, code, {
          property: m.code,
        });
      if (seen.has(code))
        return problem(
          'code_repeated',
          `${m.code} ${code} appears again (first in feature ${seen.get(code)})`,
          code,
          {
            first: seen.get(code)!,
          },
        );
      seen.set(code, feature);
      const level = text(props[m.level]);
      const type = level === null ? undefined : m.levels[level];
      if (!type)
        return level === null
          ? problem('level_missing', `property "${m.level}" (the unit's level) is missing`, code, {
              property: m.level,
            })
          : problem(
              'level_unknown',
              `${m.level} "${level}" is not a known level (known: ${Object.keys(m.levels).join(', ')})`,
              code,
              { property: m.level, value: level },
            );
      const zh = text(props[m.nameZh]);
      const en = text(props[m.nameEn]);
      if (!zh && !en)
        return problem('name_missing', `neither "${m.nameZh}" nor "${m.nameEn}" gives a name`, code, {
          nameZh: m.nameZh,
          nameEn: m.nameEn,
        });
      if (!en) report.englishFromChinese++;
      const geometry = (f as { geometry?: unknown } | null)?.geometry ?? null;
      let boundary: BoundaryGeometry | null = null;
      if (geometry !== null) {
        const g = boundaryGeometry.safeParse(geometry);
        if (!g.success) {
          const found = text((geometry as { type?: unknown }).type) ?? '-';
          return problem(
            'geometry_not_polygon',
            `geometry: not a Polygon or MultiPolygon (found ${found === '-' ? 'nothing' : found})`,
            code,
            { found },
          );
        }
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
        report.problems.push(problemOf(p.feature, p.code, 'code_exists', `code ${p.code} already exists`));
      if (p.parentCode && !byCode.has(p.parentCode) && !existing.has(p.parentCode)) {
        if (await this.orgs.findByCode(p.parentCode)) existing.add(p.parentCode);
        else
          report.problems.push(
            problemOf(
              p.feature,
              p.code,
              'parent_missing',
              `parent ${p.parentCode} is neither in the file nor an existing unit`,
              { parent: p.parentCode },
            ),
          );
      }
    }
    const ordered: Planned[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (p: Planned): boolean => {
      if (state.get(p.code) === 'done') return true;
      if (state.get(p.code) === 'visiting') {
        report.problems.push(problemOf(p.feature, p.code, 'cycle', `${p.code} is its own ancestor`));
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

function problemOf(
  feature: number,
  code: string | null,
  kind: OrgImportProblem['kind'],
  message: string,
  params: OrgImportProblem['params'] = {},
): OrgImportProblem {
  return { feature, code, kind, message, params, error: null };
}
