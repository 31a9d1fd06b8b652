import type { CaseState } from '@civitas/contracts/cases';
import type { MessageParams, Notification } from '@civitas/contracts/notifications';
import type { TFunction } from 'i18next';
import { formatDateTime, localizedName } from '../../app/localized';

/**
 * A message's parameters as this reader reads them: texts the system wrote in both languages in
 * theirs, a state by its one word (`cases.state`), a time in their format.
 */
export function messageValues(
  params: MessageParams,
  t: TFunction,
  lang: string,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'object') out[name] = localizedName(value, lang);
    else if (name === 'state') out[name] = t(`cases.state.${value as CaseState}`);
    else if (name === 'due' && typeof value === 'string') out[name] = formatDateTime(value, lang);
    else out[name] = typeof value === 'boolean' ? String(value) : value;
  }
  return out;
}

/**
 * A notification in the reader's language from its code (`messages.notification.<code>`); one
 * written before codes existed shows the server's rendering in that language.
 */
export function notificationText(
  n: Notification,
  t: TFunction,
  lang: string,
): { title: string; body: string } {
  if (!n.code)
    return { title: localizedName(n.title, lang), body: lang === 'en' ? n.body.en : n.body['zh-CN'] };
  const values = messageValues(n.params, t, lang);
  return {
    title: t(`messages.notification.${n.code}.title`, values),
    body: t(`messages.notification.${n.code}.body`, values),
  };
}
