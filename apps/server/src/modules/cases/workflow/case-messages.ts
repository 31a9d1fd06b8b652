import type { CaseState } from '@civitas/contracts/cases';
import type { LocalizedName } from '@civitas/contracts/common';
import type { MessageParams, NotificationCode } from '@civitas/contracts/notifications';
import { titleParam, type TitledCase } from '../case-titles.js';

type Text = { 'zh-CN': string; en: string };

/**
 * The words for each state, the same as the web's `cases.state` (a test holds them equal): one
 * word per state on every screen and in every message.
 */
export const stateNames: Record<CaseState, Text> = {
  submitted: { 'zh-CN': '已提交', en: 'Submitted' },
  accepted: { 'zh-CN': '已受理', en: 'Accepted' },
  rejected: { 'zh-CN': '不予受理', en: 'Rejected' },
  duplicate: { 'zh-CN': '重复', en: 'Duplicate' },
  assigned: { 'zh-CN': '已派遣', en: 'Assigned' },
  in_progress: { 'zh-CN': '处置中', en: 'In progress' },
  pending_info: { 'zh-CN': '待补充信息', en: 'Waiting for information' },
  resolved: { 'zh-CN': '已办结', en: 'Resolved' },
  closed: { 'zh-CN': '已关闭', en: 'Closed' },
  reopened: { 'zh-CN': '已重新打开', en: 'Reopened' },
};

/**
 * A notification as stored: the code and parameters the web renders in the reader's language, and
 * the server's own rendering in both languages for channels that need finished text.
 */
export interface CaseMessage {
  code: NotificationCode;
  params: MessageParams;
  title: Text;
  body: Text;
}

type CaseRef = TitledCase & { ref: string };

const pick = (v: string | LocalizedName, lang: keyof Text) => (typeof v === 'string' ? v : v[lang]);

function message(code: NotificationCode, c: CaseRef, title: Text, extra: MessageParams = {}): CaseMessage {
  const name = titleParam(c);
  return {
    code,
    params: { ref: c.ref, title: name, ...extra },
    title,
    body: { 'zh-CN': pick(name, 'zh-CN'), en: pick(name, 'en') },
  };
}

/** The case center's notifications. */
export const caseMessages = {
  stateChanged: (c: CaseRef, to: CaseState) =>
    message(
      'state_changed',
      c,
      {
        'zh-CN': `您的诉求 ${c.ref} 状态：${stateNames[to]['zh-CN']}`,
        en: `Your report ${c.ref}: ${stateNames[to].en}`,
      },
      { state: to },
    ),
  routed: (c: CaseRef) =>
    message('routed', c, { 'zh-CN': `新案件 ${c.ref} 待受理`, en: `New case ${c.ref} to accept` }),
  assigned: (c: CaseRef) =>
    message('assigned', c, { 'zh-CN': `案件 ${c.ref} 已派遣给您`, en: `Case ${c.ref} is assigned to you` }),
  escalated: (c: CaseRef, automatic: boolean) =>
    automatic
      ? message('escalated_automatic', c, {
          'zh-CN': `案件 ${c.ref} 超时，已自动上报至本级`,
          en: `Case ${c.ref} passed its deadline and was escalated to your level`,
        })
      : message('escalated', c, {
          'zh-CN': `案件 ${c.ref} 已上报至本级`,
          en: `Case ${c.ref} was escalated to your level`,
        }),
  supervised: (c: CaseRef) =>
    message('supervised', c, { 'zh-CN': `案件 ${c.ref} 被督办`, en: `Case ${c.ref} is under supervision` }),
  transferred: (c: CaseRef) =>
    message('transferred', c, {
      'zh-CN': `案件 ${c.ref} 已转办至本部门`,
      en: `Case ${c.ref} was transferred to you`,
    }),
  merged: (c: CaseRef, into: string) => ({
    code: 'merged' as const,
    params: { ref: c.ref, into },
    title: { 'zh-CN': `诉求 ${c.ref} 已并入 ${into}`, en: `Report ${c.ref} was merged into ${into}` },
    body: { 'zh-CN': `您将收到 ${into} 的进展。`, en: `You will follow ${into} from now on.` },
  }),
  reminder: (c: CaseRef, kind: 'response' | 'resolution', due: Date) =>
    message(
      kind === 'response' ? 'reminder_response' : 'reminder_resolution',
      c,
      {
        'zh-CN': `案件 ${c.ref} 即将超过${kind === 'response' ? '响应' : '办结'}时限`,
        en: `Case ${c.ref} is nearly due (${kind} deadline)`,
      },
      { due: due.toISOString() },
    ),
};
