import { z } from 'zod';
import { localizedName } from './common.js';
import { orgUnitType } from './orgs.js';

/**
 * Governance metrics of the case center (issue 4, item 11), computed from the case rows and the
 * timeline, never typed in. Every figure is defined in docs/metrics.md.
 */
export const metricsGroupBys = ['none', 'unit', 'category', 'month'] as const;
export const metricsGroupBy = z.enum(metricsGroupBys);
export type MetricsGroupBy = z.infer<typeof metricsGroupBy>;

/** The longest period one request may cover (five years of monthly rows at most). */
export const MAX_METRICS_DAYS = 366 * 5;

export const caseMetricsQuery = z.object({
  unitId: z.uuid().optional().describe('default: the unit of your metrics grant (when you hold one)'),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('cases submitted at or after this instant; default: 30 days before `to`'),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('cases submitted before this instant; default: now'),
  category: z.string().optional().describe('category code; includes its sub-categories'),
  groupBy: metricsGroupBy
    .default('none')
    .describe(
      'unit: the children of the unit, each over its subtree; category: the sub-categories of the chosen ' +
        'category (or the top-level ones); month: calendar months (UTC) of submission',
    ),
});
export type CaseMetricsQuery = z.infer<typeof caseMetricsQuery>;

/** Median and 90th percentile (continuous, interpolated) of a duration, in seconds. */
export const durationStats = z.object({
  count: z.number().int().describe('cases the duration is known for'),
  medianSeconds: z.number().nullable(),
  p90Seconds: z.number().nullable(),
});

/** Met and missed deadlines; cases still inside their window are in neither. */
export const deadlineStats = z.object({
  onTime: z.number().int(),
  late: z.number().int(),
  rate: z.number().nullable().describe('onTime / (onTime + late); null when both are 0'),
});

export const caseMetricFigures = z.object({
  cases: z.object({
    total: z.number().int(),
    open: z.number().int(),
    resolved: z.number().int().describe('resolved, awaiting the reporter'),
    closed: z.number().int(),
    rejected: z.number().int(),
    duplicate: z.number().int(),
  }),
  responseTime: durationStats,
  resolutionTime: durationStats,
  onTime: z.object({ response: deadlineStats, resolution: deadlineStats }),
  reopen: z.object({
    everResolved: z.number().int(),
    reopened: z.number().int(),
    rate: z.number().nullable(),
  }),
  satisfaction: z.object({
    count: z.number().int(),
    mean: z.number().nullable(),
    distribution: z.object({
      '1': z.number().int(),
      '2': z.number().int(),
      '3': z.number().int(),
      '4': z.number().int(),
      '5': z.number().int(),
    }),
  }),
});
export type CaseMetricFigures = z.infer<typeof caseMetricFigures>;

export const metricsUnit = z.object({
  id: z.uuid(),
  code: z.string(),
  type: orgUnitType,
  name: localizedName,
});

export const metricsCategory = z.object({
  id: z.uuid(),
  code: z.string(),
  name: localizedName,
});

export const caseMetricsGroup = z.object({
  key: z.string().describe('unit id, category id or YYYY-MM; "direct" for cases on the chosen node itself'),
  unit: metricsUnit.nullable(),
  category: metricsCategory.nullable(),
  month: z.string().nullable(),
  /** Cases located on the chosen unit itself (not in any child) or filed under the chosen category itself. */
  direct: z.boolean(),
  figures: caseMetricFigures,
});
export type CaseMetricsGroup = z.infer<typeof caseMetricsGroup>;

export const caseMetrics = z.object({
  unit: metricsUnit,
  category: metricsCategory.nullable(),
  from: z.string(),
  to: z.string(),
  asOf: z.string().describe('open cases are judged against their deadlines at this instant'),
  groupBy: metricsGroupBy,
  total: caseMetricFigures,
  groups: z.array(caseMetricsGroup),
});
export type CaseMetrics = z.infer<typeof caseMetrics>;
