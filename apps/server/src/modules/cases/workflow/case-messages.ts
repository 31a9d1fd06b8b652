import type { CaseState } from '@civitas/contracts/cases';

type Text = { 'zh-CN': string; en: string };

const stateNames: Record<CaseState, Text> = {
  submitted: { 'zh-CN': '已提交', en: 'submitted' },
  accepted: { 'zh-CN': '已受理', en: 'accepted' },
  rejected: { 'zh-CN': '不予受理', en: 'rejected' },
  duplicate: { 'zh-CN': '已合并', en: 'merged as a duplicate' },
  assigned: { 'zh-CN': '已派单', en: 'assigned' },
  in_progress: { 'zh-CN': '处理中', en: 'in progress' },
  pending_info: { 'zh-CN': '待补充信息', en: 'waiting for information' },
  resolved: { 'zh-CN': '已办结，待评价', en: 'resolved, waiting for your confirmation' },
  closed: { 'zh-CN': '已关闭', en: 'closed' },
  reopened: { 'zh-CN': '已重新办理', en: 'reopened' },
};

/** Bilingual texts of the case center's notifications; the reader's locale picks one. */
export const caseMessages = {
  stateChanged: (ref: string, title: string, to: CaseState) => ({
    title: {
      'zh-CN': `您的诉求 ${ref} ${stateNames[to]['zh-CN']}`,
      en: `Your report ${ref} is ${stateNames[to].en}`,
    },
    body: { 'zh-CN': title, en: title },
  }),
  routed: (ref: string, title: string) => ({
    title: { 'zh-CN': `新案件 ${ref} 待受理`, en: `New case ${ref} to accept` },
    body: { 'zh-CN': title, en: title },
  }),
  assigned: (ref: string, title: string) => ({
    title: { 'zh-CN': `案件 ${ref} 已派给您`, en: `Case ${ref} is assigned to you` },
    body: { 'zh-CN': title, en: title },
  }),
  escalated: (ref: string, title: string, automatic: boolean) => ({
    title: {
      'zh-CN': `案件 ${ref} 已上报至本级${automatic ? '（超时自动）' : ''}`,
      en: `Case ${ref} was escalated to your level${automatic ? ' (deadline passed)' : ''}`,
    },
    body: { 'zh-CN': title, en: title },
  }),
  supervised: (ref: string, title: string) => ({
    title: { 'zh-CN': `案件 ${ref} 被督办`, en: `Case ${ref} is under supervision (督办)` },
    body: { 'zh-CN': title, en: title },
  }),
  transferred: (ref: string, title: string) => ({
    title: { 'zh-CN': `案件 ${ref} 已转交本部门`, en: `Case ${ref} was transferred to you` },
    body: { 'zh-CN': title, en: title },
  }),
  merged: (ref: string, into: string) => ({
    title: { 'zh-CN': `诉求 ${ref} 已并入 ${into}`, en: `Report ${ref} was merged into ${into}` },
    body: {
      'zh-CN': `您将收到 ${into} 的进展。`,
      en: `You will follow ${into} from now on.`,
    },
  }),
  reminder: (ref: string, title: string, kind: string, due: Date) => ({
    title: {
      'zh-CN': `案件 ${ref} 即将超时（${kind === 'response' ? '响应' : '办结'}时限）`,
      en: `Case ${ref} is nearly due (${kind} deadline)`,
    },
    body: { 'zh-CN': `${title} · ${due.toISOString()}`, en: `${title} · due ${due.toISOString()}` },
  }),
};
