import { openCaseStates, type CaseState, type CategoryAttribute } from '@civitas/contracts/cases';
import { publicPoint } from '../cases/location/case-public-location.js';
import type { CategoryRow } from '../cases/cases.types.js';
import type { RequestRow } from './open311.repository.js';

export type Locale = 'zh-CN' | 'en';
type Text = Record<Locale, string>;

/** The W3C date-time profile the spec requires ("Date/time format"), in UTC, whole seconds. */
export const w3c = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const pick = (t: Text, locale: Locale) => t[locale];
const nameOf = (zh: string, en: string, locale: Locale) => (locale === 'en' ? en : zh);

/** Open311 knows two statuses: a case is open while someone still has to act on it. */
export const open311Status = (state: string): 'open' | 'closed' =>
  (openCaseStates as readonly string[]).includes(state) ? 'open' : 'closed';
export const statesFor = (status: 'open' | 'closed'): CaseState[] =>
  status === 'open'
    ? [...openCaseStates]
    : (['resolved', 'closed', 'rejected', 'duplicate'] satisfies CaseState[]);

const departmentNames: Record<string, Text> = {
  police: { 'zh-CN': '公安', en: 'Police' },
  health: { 'zh-CN': '卫生健康', en: 'Health' },
  environment: { 'zh-CN': '生态环境', en: 'Environment' },
  housing: { 'zh-CN': '住房建设', en: 'Housing' },
  civil_affairs: { 'zh-CN': '民政', en: 'Civil affairs' },
  urban_management: { 'zh-CN': '城市管理', en: 'Urban management' },
};

const stateNotes: Partial<Record<CaseState, Text>> = {
  submitted: { 'zh-CN': '已受理登记，等待处理单位接收。', en: 'Received; waiting to be accepted.' },
  accepted: { 'zh-CN': '处理单位已接收。', en: 'Accepted by the responsible unit.' },
  assigned: { 'zh-CN': '已派遣处理人员。', en: 'Assigned to a member of staff.' },
  in_progress: { 'zh-CN': '正在处理。', en: 'Work is in progress.' },
  pending_info: { 'zh-CN': '等待补充信息。', en: 'Waiting for more information from the reporter.' },
  reopened: { 'zh-CN': '处理结果有异议，已重新办理。', en: 'Reopened after the resolution was disputed.' },
};

function statusNotes(r: RequestRow, locale: Locale): string | null {
  const state = r.state as CaseState;
  if (state === 'rejected') return r.rejection_reason;
  if (state === 'duplicate')
    return r.duplicate_of_ref
      ? locale === 'en'
        ? `Duplicate of ${r.duplicate_of_ref}.`
        : `与 ${r.duplicate_of_ref} 重复。`
      : null;
  if (state === 'resolved' || state === 'closed') return r.resolution_note;
  const note = stateNotes[state];
  return note ? pick(note, locale) : null;
}

export function serviceNotice(responseHours: number, resolutionHours: number, locale: Locale): string {
  return locale === 'en'
    ? `Response within ${responseHours} h, resolution within ${resolutionHours} h.`
    : `${responseHours} 小时内响应，${resolutionHours} 小时内办结。`;
}

/**
 * One service request (GET requests, GET requests/{id}). Only public facts: never the reporter,
 * the assignee or staff names. Free text (description, address) is shown only for requests that
 * came in through Open311, whose submitters sent them to a public API; a resident's web report or
 * a hotline call was not made to be published, so its text is withheld (PIPL minimum necessary),
 * and its point is the public one every public view shows (`publicPoint`, ADR 0020).
 */
export function presentRequest(r: RequestRow, locale: Locale) {
  const open = open311Status(r.state) === 'open';
  const published = r.channel === 'open311';
  const where = publicPoint(r);
  const department = r.responsible_department ? departmentNames[r.responsible_department] : undefined;
  const unit = nameOf(r.resp_name_zh, r.resp_name_en, locale);
  return {
    service_request_id: r.ref,
    status: open311Status(r.state),
    status_notes: statusNotes(r, locale),
    service_name: nameOf(r.category_name_zh, r.category_name_en, locale),
    service_code: r.category_code,
    description: published && r.description ? r.description : null,
    agency_responsible: department ? `${unit} · ${pick(department, locale)}` : unit,
    service_notice: serviceNotice(r.response_hours, r.resolution_hours, locale),
    requested_datetime: w3c(r.created_at),
    updated_datetime: w3c(r.updated_at),
    expected_datetime: open ? w3c(r.resolution_due_at) : null,
    address: published ? r.address : null,
    address_id: r.address_id,
    lat: where.lat,
    long: where.lng,
    media_url: r.media_url,
  };
}

/** GET services: one service per active category. */
export function presentService(c: CategoryRow, root: CategoryRow, locale: Locale) {
  const attributes = c.attributes as CategoryAttribute[];
  const other = locale === 'en' ? c.name_zh : c.name_en;
  return {
    service_code: c.code,
    service_name: nameOf(c.name_zh, c.name_en, locale),
    description: serviceNotice(c.response_hours, c.resolution_hours, locale),
    metadata: attributes.length > 0,
    // Civitas creates the case while the request is being posted: the id comes back at once.
    type: 'realtime' as const,
    keywords: [other, ...c.code.split('.')].join(', '),
    group: nameOf(root.name_zh, root.name_en, locale),
  };
}

const datatypeHelp: Record<CategoryAttribute['datatype'], Text | null> = {
  string: null,
  text: null,
  number: { 'zh-CN': '数字', en: 'A number' },
  datetime: {
    'zh-CN': 'ISO 8601 日期时间，须含时区，如 2026-03-02T08:00:00+08:00',
    en: 'ISO 8601 date and time with a time zone, e.g. 2026-03-02T08:00:00+08:00',
  },
  singlevaluelist: { 'zh-CN': '从所列选项中选择一项（填写 key）', en: 'Pick one of the listed keys' },
  multivaluelist: {
    'zh-CN': '从所列选项中选择一项或多项（填写 key）',
    en: 'Pick one or more of the listed keys',
  },
};

/** GET services/{code}: the category's extra fields as Open311 attributes, in their configured order. */
export function presentDefinition(c: CategoryRow, locale: Locale) {
  const attributes = (c.attributes as CategoryAttribute[]).map((a, i) => {
    const help = datatypeHelp[a.datatype];
    const list = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    return {
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: help ? pick(help, locale) : null,
      order: i + 1,
      description: pick(a.description, locale),
      ...(list ? { values: (a.values ?? []).map((v) => ({ key: v.key, name: pick(v.name, locale) })) } : {}),
    };
  });
  return { service_code: c.code, attributes };
}
