/**
 * The words an auditor reads for the audit log's codes, in both languages. One table serves the
 * web's list and the server's CSV export, so a file and the screen name an entry the same way.
 * An action reads as "object · verb" (案件 · 受理); actions whose verb says more than its last
 * segment have a whole phrase of their own. A code missing here is shown as itself.
 */
type Words = { 'zh-CN': string; en: string };
export type AuditLanguage = keyof Words;

const w = (zh: string, en: string): Words => ({ 'zh-CN': zh, en });

export const AUDIT_OBJECTS: Record<string, Words> = {
  auth: w('登录与账户安全', 'Sign-in and account security'),
  user: w('用户', 'User'),
  token: w('API 令牌', 'API token'),
  api_token: w('API 令牌', 'API token'),
  security: w('安全', 'Security'),
  org: w('组织单位', 'Organisation unit'),
  org_unit: w('组织单位', 'Organisation unit'),
  key: w('加密密钥', 'Encryption key'),
  device: w('设备', 'Device'),
  device_profile: w('设备类型', 'Device profile'),
  api_key_group: w('设备密钥', 'Device key'),
  resident: w('居民', 'Resident'),
  building: w('楼栋', 'Building'),
  routing_rule: w('分拨规则', 'Routing rule'),
  case_category: w('案件类别', 'Case category'),
  case: w('案件', 'Case'),
  audit: w('审计日志', 'Audit log'),
  audit_log: w('审计日志', 'Audit log'),
};

const VERBS: Record<string, Words> = {
  create: w('新建', 'created'),
  update: w('修改', 'changed'),
  delete: w('删除', 'deleted'),
  retire: w('停用', 'retired'),
  merge: w('合并', 'merged'),
  move: w('移动', 'moved'),
  read: w('查看', 'viewed'),
  list: w('查看列表', 'list viewed'),
  reveal: w('查看完整个人信息', 'personal data revealed'),
  command: w('下发指令', 'command sent'),
  revoke: w('撤销', 'revoked'),
  unlock: w('解锁', 'unlocked'),
  disable: w('停用', 'disabled'),
  enable: w('启用', 'enabled'),
  accept: w('受理', 'accepted'),
  reject: w('不予受理', 'rejected'),
  assign: w('派遣', 'assigned'),
  start: w('开始处置', 'work started'),
  pause: w('要求补充信息', 'information requested'),
  resume: w('恢复办理', 'resumed'),
  resolve: w('办结', 'resolved'),
  confirm: w('报告人确认办结', 'confirmed by reporter'),
  dispute: w('报告人不满意', 'disputed by reporter'),
  transfer: w('转办', 'transferred'),
  escalate: w('上报上级', 'escalated'),
  supervise: w('督办', 'supervised'),
  comment: w('备注', 'note added'),
  route: w('分拨', 'routed'),
  merged_in: w('并入其他案件', 'other case merged in'),
  attach: w('添加附件', 'file attached'),
  refused: w('操作被拒绝', 'action refused'),
  verify: w('校验完整性', 'integrity verified'),
  export: w('导出', 'exported'),
};

/** Whole phrases for actions whose last segment alone would mislead. */
const ACTIONS: Record<string, Words> = {
  'auth.login': w('登录', 'Signed in'),
  'auth.login_failed': w('登录失败', 'Sign-in failed'),
  'auth.logout': w('退出登录', 'Signed out'),
  'auth.password_changed': w('修改密码', 'Password changed'),
  'auth.password_change_failed': w('修改密码失败', 'Password change failed'),
  'auth.totp_setup': w('开始设置两步验证', 'Two-factor setup started'),
  'auth.totp_enabled': w('启用两步验证', 'Two-factor enabled'),
  'user.grants_change': w('用户 · 修改角色', 'User · roles changed'),
  'user.mfa_reset': w('用户 · 重置两步验证', 'User · two-factor reset'),
  'user.password_reset': w('用户 · 重置密码', 'User · password reset'),
  'security.alert': w('安全警报', 'Security alert'),
  'case.contact.reveal': w('案件 · 查看报告人联系方式', 'Case · reporter contact revealed'),
  'case.timeline.read': w('案件 · 查看处理记录', 'Case · timeline viewed'),
  'case.attachment.read': w('案件 · 查看附件', 'Case · file viewed'),
  'resident.create_batch': w('居民 · 批量新建', 'Resident · created in bulk'),
  'device.apikey_create': w('设备 · 新建接入密钥', 'Device · access key created'),
  'device.apikey_revoke': w('设备 · 撤销接入密钥', 'Device · access key revoked'),
  'device.attributes_update': w('设备 · 修改属性', 'Device · attributes changed'),
  'device.token_revoke': w('设备 · 撤销接入令牌', 'Device · token revoked'),
  'device.token_rotate': w('设备 · 更换接入令牌', 'Device · token replaced'),
  'key.rotation_started': w('加密密钥 · 开始轮换', 'Encryption key · rotation started'),
  'key.rotation_table': w('加密密钥 · 一张表已轮换', 'Encryption key · one table rotated'),
  'key.rotation_finished': w('加密密钥 · 轮换完成', 'Encryption key · rotation finished'),
};

/**
 * Action families an auditor asks for ("every reveal"), as SQL LIKE patterns over the action
 * code. Families overlap on purpose: a case's contact reveal is both a reveal and a case action.
 */
export const AUDIT_FAMILIES = {
  reveal: { words: w('查看个人信息', 'Personal data revealed'), patterns: ['%.reveal'] },
  read: { words: w('查看记录', 'Records viewed'), patterns: ['%.read', '%.list'] },
  signIn: { words: w('登录与密码', 'Sign-in and passwords'), patterns: ['auth.%'] },
  accounts: { words: w('用户与令牌', 'Users and tokens'), patterns: ['user.%', 'token.%'] },
  security: { words: w('安全警报', 'Security alerts'), patterns: ['security.%'] },
  cases: { words: w('案件', 'Cases'), patterns: ['case.%'] },
  residents: { words: w('居民与楼栋', 'Residents and buildings'), patterns: ['resident.%', 'building.%'] },
  devices: { words: w('设备', 'Devices'), patterns: ['device.%', 'device\\_profile.%'] },
  settings: {
    words: w('组织与配置', 'Organisation and settings'),
    patterns: ['org.%', 'routing\\_rule.%', 'case\\_category.%', 'key.%', 'audit.%'],
  },
} as const satisfies Record<string, { words: Words; patterns: readonly string[] }>;
export type AuditFamily = keyof typeof AUDIT_FAMILIES;
export const AUDIT_FAMILY_NAMES = Object.keys(AUDIT_FAMILIES) as [AuditFamily, ...AuditFamily[]];

/** The action in words, or null when this table does not know it (shown as its code). */
export function auditActionWords(action: string, lang: AuditLanguage): string | null {
  const whole = ACTIONS[action];
  if (whole) return whole[lang];
  const dot = action.indexOf('.');
  const object = AUDIT_OBJECTS[action.slice(0, dot)];
  const verb = VERBS[action.slice(dot + 1)];
  return dot > 0 && object && verb ? `${object[lang]} · ${verb[lang]}` : null;
}

export function auditObjectWords(targetType: string | null, lang: AuditLanguage): string | null {
  return targetType ? (AUDIT_OBJECTS[targetType]?.[lang] ?? null) : null;
}
