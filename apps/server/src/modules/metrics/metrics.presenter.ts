import type { CaseMetricFigures } from '@civitas/contracts/metrics';
import type { OrgUnitType } from '@civitas/contracts/orgs';
import type { OrgUnitRow } from '../orgs/orgs.service.js';
import type { CaseFiguresRow, CategoryRow } from '../cases/cases.types.js';

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
/** Percentiles are interpolated in float8; a millisecond is finer than any deadline needs. */
const seconds = (s: number | null) => (s === null ? null : Math.round(s * 1000) / 1000);

export function figuresOf(r: CaseFiguresRow): CaseMetricFigures {
  return {
    cases: {
      total: r.total,
      open: r.open,
      resolved: r.resolved,
      closed: r.closed,
      rejected: r.rejected,
      duplicate: r.duplicate,
    },
    responseTime: { count: r.resp_n, medianSeconds: seconds(r.resp_p50), p90Seconds: seconds(r.resp_p90) },
    resolutionTime: { count: r.res_n, medianSeconds: seconds(r.res_p50), p90Seconds: seconds(r.res_p90) },
    onTime: {
      response: {
        onTime: r.resp_on_time,
        late: r.resp_late,
        rate: rate(r.resp_on_time, r.resp_on_time + r.resp_late),
      },
      resolution: {
        onTime: r.res_on_time,
        late: r.res_late,
        rate: rate(r.res_on_time, r.res_on_time + r.res_late),
      },
    },
    reopen: { everResolved: r.ever_resolved, reopened: r.reopened, rate: rate(r.reopened, r.ever_resolved) },
    satisfaction: {
      count: r.sat_n,
      mean: r.sat_mean,
      distribution: { '1': r.sat_1, '2': r.sat_2, '3': r.sat_3, '4': r.sat_4, '5': r.sat_5 },
    },
  };
}

/** The figures of a group without cases in the period. */
export const emptyFigures = (): CaseMetricFigures =>
  figuresOf({
    grp: null,
    is_total: false,
    total: 0,
    open: 0,
    resolved: 0,
    closed: 0,
    rejected: 0,
    duplicate: 0,
    resp_n: 0,
    resp_p50: null,
    resp_p90: null,
    res_n: 0,
    res_p50: null,
    res_p90: null,
    resp_on_time: 0,
    resp_late: 0,
    res_on_time: 0,
    res_late: 0,
    ever_resolved: 0,
    reopened: 0,
    sat_n: 0,
    sat_mean: null,
    sat_1: 0,
    sat_2: 0,
    sat_3: 0,
    sat_4: 0,
    sat_5: 0,
  });

export const presentUnit = (u: OrgUnitRow) => ({
  id: u.id,
  code: u.code,
  type: u.type as OrgUnitType,
  name: { 'zh-CN': u.name_zh, en: u.name_en },
});

export const presentCategory = (c: CategoryRow) => ({
  id: c.id,
  code: c.code,
  name: { 'zh-CN': c.name_zh, en: c.name_en },
});
