import { z } from 'zod';
import { deviceProfileInput, payloadKeyOf, type DeviceProfileInput, type PayloadFormat } from './devices.js';

/**
 * UN/CEFACT Recommendation 20 common codes the profile form offers, with their symbol. A profile
 * may use any well-formed code (`unitCode`); these are the ones a community's sensors report.
 */
export const unitCodes: Record<string, string> = {
  C62: '1',
  P1: '%',
  CEL: '°C',
  FAH: '°F',
  KEL: 'K',
  GQ: 'µg/m³',
  GP: 'mg/m³',
  '59': 'ppm',
  '61': 'ppb',
  '2N': 'dB',
  MTR: 'm',
  CMT: 'cm',
  MMT: 'mm',
  KMT: 'km',
  MTS: 'm/s',
  KMH: 'km/h',
  PAL: 'Pa',
  KPA: 'kPa',
  A97: 'hPa',
  BAR: 'bar',
  WTT: 'W',
  KWT: 'kW',
  KWH: 'kWh',
  VLT: 'V',
  AMP: 'A',
  HTZ: 'Hz',
  LUX: 'lx',
  MTQ: 'm³',
  LTR: 'L',
  MQH: 'm³/h',
  G42: 'µS/cm',
  Q30: 'pH',
  NTU: 'NTU',
  M1: 'mg/L',
  '5K': '/min',
  SEC: 's',
  MIN: 'min',
  HUR: 'h',
  DD: '°',
  KGM: 'kg',
  D32: 'TWh',
  '2M': 'cm/s',
};

const formats: PayloadFormat[] = ['thingsboard', 'fiware', 'senml'];
const formatField = { thingsboard: 'thingsboardKey', fiware: 'objectId', senml: 'senmlName' } as const;

/**
 * What an operator may save: the stored shape plus the rules that span fields. Every metric names
 * itself in both languages; ranges are min < max; within one format no two metrics share a payload
 * key (a reading would be ambiguous); raw data is not kept longer than its rollups.
 */
export function checkProfile(p: DeviceProfileInput, ctx: z.RefinementCtx): void {
  const keys = new Set<string>();
  p.metrics.forEach((m, i) => {
    if (!m.name) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: 'is required' });
    if (keys.has(m.key))
      ctx.addIssue({ code: 'custom', path: ['metrics', i, 'key'], message: `${m.key} appears twice` });
    keys.add(m.key);
    if (m.type === 'number' && !(m.min < m.max))
      ctx.addIssue({ code: 'custom', path: ['metrics', i, 'max'], message: 'must be greater than min' });
  });
  for (const f of formats) {
    const seen = new Map<string, string>();
    p.metrics.forEach((m, i) => {
      const k = payloadKeyOf(m, f);
      const other = seen.get(k);
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, formatField[f]],
          message: `${f} key ${k} is already used by ${other}`,
        });
      seen.set(k, m.key);
    });
  }
  p.events.forEach((e, i) => {
    if (keys.has(e)) ctx.addIssue({ code: 'custom', path: ['events', i], message: `${e} is also a metric` });
  });
  if (p.rollupRetentionDays < p.rawRetentionDays)
    ctx.addIssue({
      code: 'custom',
      path: ['rollupRetentionDays'],
      message: 'must be at least rawRetentionDays',
    });
}

export const profileWrite = deviceProfileInput.superRefine(checkProfile);
export type ProfileWrite = z.infer<typeof profileWrite>;

/** PUT body: the whole profile (its code cannot change) and the version read. */
export const profileUpdate = deviceProfileInput
  .omit({ code: true })
  .extend({ version: z.iso.datetime().describe('updatedAt of the profile as read') })
  .superRefine((p, ctx) => checkProfile({ ...p, code: 'x-update' }, ctx));
export type ProfileUpdate = z.infer<typeof profileUpdate>;

export const profileCopy = z.object({
  code: deviceProfileInput.shape.code,
  name: deviceProfileInput.shape.name.optional(),
});

/** The import and export file (docs/device-profiles.md). */
export const PROFILE_FILE_FORMAT = 'civitas.device-profiles/1';
export const profileFile = z.object({
  format: z.literal(PROFILE_FILE_FORMAT),
  profiles: z.array(z.unknown()).min(1).max(200),
});
export type ProfileFile = { format: typeof PROFILE_FILE_FORMAT; profiles: DeviceProfileInput[] };

export const profileImportQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const profileImportItem = z.object({
  index: z.number().int(),
  code: z.string().nullable(),
  action: z.enum(['create', 'update', 'unchanged', 'refused']),
  errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
});
export type ProfileImportItem = z.infer<typeof profileImportItem>;

export const profileImportReport = z.object({
  dryRun: z.boolean(),
  applied: z.boolean().describe('false when any profile was refused: then nothing was changed'),
  items: z.array(profileImportItem),
});
export type ProfileImportReport = z.infer<typeof profileImportReport>;

/** Tokens minted by a device CSV import, handed out once to the user who ran it. */
export const importedTokens = z.object({
  items: z.array(z.object({ code: z.string(), token: z.string() })),
});
