import { auditActionWords, auditObjectWords, type AuditLanguage } from '@civitas/contracts/audit-vocabulary';
import type { AuditEntry } from '@civitas/contracts/audit';

/** Excel reads a CSV as the machine's ANSI code page (GBK in China) unless it starts with a BOM. */
export const UTF8_BOM = '\uFEFF';

const HEADERS: Record<AuditLanguage, string[]> = {
  'zh-CN': [
    '序号',
    '时间 (UTC)',
    '操作人',
    '用户名',
    '操作人单位',
    '操作',
    '操作代码',
    '对象',
    '对象编号',
    '对象所属单位',
    '详情',
    '请求编号',
  ],
  en: [
    'No.',
    'Time (UTC)',
    'Who',
    'User name',
    "Who's unit",
    'Action',
    'Action code',
    'Object',
    'Object ID',
    'Object unit',
    'Detail',
    'Request ID',
  ],
};

/**
 * One CSV field (RFC 4180). A field that a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR at its start; OWASP "CSV injection") is prefixed with an apostrophe: the log holds text that
 * users typed (names, notes), and an auditor opening the file must not execute it.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(entries: AuditEntry[], lang: AuditLanguage): string {
  const unit = (n: AuditEntry['actorUnitName']) => (n ? n[lang] : '');
  const lines = [HEADERS[lang].map(csvField).join(',')];
  for (const e of entries) {
    const row = [
      String(e.seq),
      e.at,
      e.actorDisplayName ?? e.actorName ?? '',
      e.actorName ?? '',
      unit(e.actorUnitName),
      auditActionWords(e.action, lang) ?? e.action,
      e.action,
      auditObjectWords(e.targetType, lang) ?? e.targetType ?? '',
      e.targetId ?? '',
      unit(e.targetUnitName),
      Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : '',
      e.requestId ?? '',
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
