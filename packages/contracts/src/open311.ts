import { localizedName } from './common.js';
import { z } from 'zod';

/** The admin API of Open311 keys (/api/v1/open311-keys). */
export const createApiKey = z.object({
  name: z.string().trim().min(1).max(120).describe('the integrator, e.g. "FixMyStreet Nanshan"'),
  orgUnitId: z.uuid().describe('the key may post requests only inside this unit and below'),
});
export type CreateApiKey = z.infer<typeof createApiKey>;

export const apiKeySummary = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('the first characters of the key, to tell keys apart'),
  unit: z.object({ id: z.uuid(), code: z.string(), name: localizedName }),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof apiKeySummary>;

/** What staff see of an Open311 request beyond the case: the integrator and the masked contact. */
export const open311RequestInfo = z.object({
  caseId: z.uuid(),
  integrator: z.object({ id: z.uuid(), name: z.string(), prefix: z.string() }),
  mediaUrl: z.string().nullable(),
  addressId: z.string().nullable(),
  contact: z.object({
    email: z.string().nullable(),
    phone: z.string().nullable(),
    name: z.string().nullable(),
  }),
  receivedAt: z.string(),
});

export const revealContact = z.object({
  reason: z.string().trim().min(1).max(500).describe('why the plain contact is needed; audited'),
});

export const submitterContact = z.object({
  email: z.string().nullable(),
  phone: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  deviceId: z.string().nullable(),
  accountId: z.string().nullable(),
});
export type SubmitterContact = z.infer<typeof submitterContact>;
