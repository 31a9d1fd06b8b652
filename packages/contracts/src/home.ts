import { z } from 'zod';
import { openCaseStates } from './cases.js';
import { localizedName } from './common.js';
import { orgUnitType } from './orgs.js';

/**
 * What each role's home shows of its work (issue 11 §2): counts over the caller's own units, each
 * section present only when the caller holds the permission it needs (docs/home.md defines each
 * figure and the inbox or list query it equals).
 */
export const homeTrendDays = [30, 90] as const;

export const homeQuery = z.object({
  unitId: z
    .uuid()
    .optional()
    .describe('narrow every section to this unit and its subtree (404 outside your units)'),
  trendDays: z.coerce
    .number()
    .int()
    .refine((d) => (homeTrendDays as readonly number[]).includes(d), 'one of 30, 90')
    .default(30)
    .describe('days of the daily trend (metrics.read only)'),
});
export type HomeQuery = z.infer<typeof homeQuery>;

const count = z.number().int().min(0);

const homeUnit = z.object({ id: z.uuid(), code: z.string(), type: orgUnitType, name: localizedName });
export type HomeUnit = z.infer<typeof homeUnit>;

const openStateCounts = z.object(
  Object.fromEntries(openCaseStates.map((s) => [s, count])) as Record<
    (typeof openCaseStates)[number],
    typeof count
  >,
);

/** case.read: the inbox of the caller's units, as GET /api/v1/cases counts it. */
export const homeCases = z.object({
  byState: openStateCounts.describe('open cases by state'),
  open: count,
  overdue: count.describe('past the deadline of the state they are in (the inbox filter overdue=true)'),
  dueSoon: count.describe('open, not overdue, deadline within dueSoonHours'),
  dueSoonHours: z.number().int(),
  pendingInfo: count.describe('waiting for more information from the reporter'),
  awaitingConfirmation: count.describe('resolved, waiting for the reporter to confirm'),
  mine: z
    .object({ open: count, overdue: count, dueSoon: count })
    .describe('open cases assigned to the caller'),
  byUnit: z
    .array(z.object({ unit: homeUnit, open: count, overdue: count }))
    .describe('the child units of the scope unit, each over its subtree'),
});
export type HomeCases = z.infer<typeof homeCases>;

/** resident.read: people who may need a visit; counts only, no personal data. */
export const homeResidents = z.object({
  total: count,
  elderlyLivingAlone: count,
  needsAssistance: count,
  disability: count,
});
export type HomeResidents = z.infer<typeof homeResidents>;

/** device.read: devices of the caller's units by connectivity. */
export const homeDevices = z.object({
  total: count,
  active: count,
  inactive: count.describe('silent longer than their profile allows'),
  never: count.describe('never reported'),
  maintenance: count,
});
export type HomeDevices = z.infer<typeof homeDevices>;

/** metrics.read: the targets the key figures are held against (configuration) and the daily trend. */
export const homeTargets = z.object({
  responseOnTimeRate: z.number().min(0).max(1),
  resolutionOnTimeRate: z.number().min(0).max(1),
  satisfactionMean: z.number().min(1).max(5),
});
export type HomeTargets = z.infer<typeof homeTargets>;

export const homeTrendDay = z.object({
  date: z.string().describe('UTC calendar day, YYYY-MM-DD'),
  reported: count,
  resolved: count,
});

export const homeOverview = z.object({
  asOf: z.string(),
  unit: homeUnit.nullable().describe('the unit asked for; null: all of your units'),
  cases: homeCases.nullable(),
  residents: homeResidents.nullable(),
  devices: homeDevices.nullable(),
  targets: homeTargets.nullable(),
  trend: z.array(homeTrendDay).nullable(),
});
export type HomeOverview = z.infer<typeof homeOverview>;
