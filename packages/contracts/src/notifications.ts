import { z } from 'zod';
import { localizedName } from './common.js';

/**
 * What a notification says, as a stable code; the web renders code and parameters in the reader's
 * language (`messages.notification.<code>`), so a missing text fails a test, not a reader.
 */
export const notificationCodes = [
  'state_changed',
  'routed',
  'assigned',
  'escalated',
  'escalated_automatic',
  'supervised',
  'transferred',
  'merged',
  'reminder_response',
  'reminder_resolution',
] as const;
export const notificationCode = z.enum(notificationCodes);
export type NotificationCode = z.infer<typeof notificationCode>;

/**
 * A parameter of a message: a value, or a text the system wrote in each language (a case title
 * from its category), which the reader's language picks.
 */
export const messageParam = z.union([z.string(), z.number(), z.boolean(), localizedName]);
export type MessageParam = z.infer<typeof messageParam>;
export const messageParams = z.record(z.string(), messageParam);
export type MessageParams = z.infer<typeof messageParams>;

/** One in-app notification of the signed-in user. */
export const notification = z.object({
  id: z.uuid(),
  kind: z.string(),
  caseId: z.uuid().nullable(),
  code: notificationCode
    .nullable()
    .describe('null on notifications written before codes (migration 0030): show title and body'),
  params: messageParams,
  title: localizedName.describe("the server's rendering, for channels that need finished text"),
  body: z.object({ 'zh-CN': z.string(), en: z.string() }),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type Notification = z.infer<typeof notification>;

export const notificationListQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const notificationPage = z.object({
  items: z.array(notification),
  total: z.number().int(),
  unread: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
