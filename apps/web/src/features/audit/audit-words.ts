import type { AuditLanguage } from '@civitas/contracts/audit-vocabulary';

/** The vocabulary's language for the UI's (both are zh-CN or en; anything else reads as zh-CN). */
export function auditLang(language: string): AuditLanguage {
  return language === 'en' ? 'en' : 'zh-CN';
}
