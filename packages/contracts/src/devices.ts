import { z } from 'zod';
import { localizedName, pointGeometry } from './common.js';

const metricKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'letters, digits and "_", starting with a letter');

/**
 * A key as a payload carries it: ThingsBoard telemetry keys and SenML names may hold more than a
 * metric key ("temp.c", "urn:x:pm25"), FIWARE IoT Agent object ids are short attribute names.
 */
export const payloadKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'up to 64 letters, digits, "_", ".", ":", "/" or "-"');

/**
 * UN/CEFACT Recommendation 20 common codes are 2–3 upper-case letters or digits (NGSI-LD `unitCode`).
 * The pattern accepts any well-formed code; `unitCodes` (device-profiles.ts) lists the ones the web offers.
 */
export const unitCode = z.string().regex(/^[A-Z0-9]{2,3}$/, 'a UN/CEFACT common code such as CEL or KWH');

/**
 * How each payload format names the metric (ADR 0041); each defaults to the metric key.
 * `objectId` is the FIWARE IoT Agent short name, `thingsboardKey` the ThingsBoard telemetry key,
 * `senmlName` the SenML record name (after the base name).
 */
const metricCommon = {
  key: metricKey,
  name: localizedName.optional().describe('display name; built-in metrics are named by the web'),
  objectId: payloadKey.max(32).optional(),
  thingsboardKey: payloadKey.optional(),
  senmlName: payloadKey.optional(),
};

export const profileMetric = z.discriminatedUnion('type', [
  z.object({
    ...metricCommon,
    type: z.literal('number'),
    unit: unitCode.nullable(),
    min: z.number(),
    max: z.number(),
  }),
  z.object({
    ...metricCommon,
    type: z.literal('text'),
    unit: z.null(),
    values: z.array(z.string().max(64)).min(1).optional(),
  }),
  z.object({
    ...metricCommon,
    type: z.literal('boolean'),
    unit: z.null(),
  }),
]);
export type ProfileMetric = z.infer<typeof profileMetric>;

export type PayloadFormat = 'thingsboard' | 'fiware' | 'senml';
/** The key a payload of `format` uses for the metric. */
export function payloadKeyOf(m: ProfileMetric, format: PayloadFormat): string {
  const k = format === 'fiware' ? m.objectId : format === 'senml' ? m.senmlName : m.thingsboardKey;
  return k ?? m.key;
}

/** Smart Data Models (smartdatamodels.org) entity types a profile may map to for NGSI-LD. */
export const entityTypes = [
  'AirQualityObserved',
  'NoiseLevelObserved',
  'WaterQualityObserved',
  'WaterConsumptionObserved',
  'WeatherObserved',
  'TrafficFlowObserved',
  'WasteContainer',
  'Streetlight',
  'ParkingSpot',
  'OffStreetParking',
  'EVChargingStation',
  'Device',
  'DeviceMeasurement',
] as const;

export const deviceProfileInput = z.object({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'lower-case letters, digits and "-", 2 to 64'),
  name: localizedName,
  entityType: z.enum(entityTypes),
  metrics: z.array(profileMetric).max(64),
  events: z.array(metricKey).max(64),
  reportingIntervalS: z
    .number()
    .int()
    .min(1)
    .max(86_400 * 7),
  inactivityTimeoutS: z
    .number()
    .int()
    .min(10)
    .max(86_400 * 30),
  rawRetentionDays: z.number().int().min(1).max(3650),
  rollupRetentionDays: z.number().int().min(1).max(36500),
});
export type DeviceProfileInput = z.infer<typeof deviceProfileInput>;

export const deviceProfile = deviceProfileInput.extend({
  id: z.uuid(),
  builtin: z.boolean(),
  retiredAt: z.string().nullable(),
  deviceCount: z.number().int(),
  updatedAt: z.string(),
});
export type DeviceProfile = z.infer<typeof deviceProfile>;

export const deviceStatus = z.enum(['active', 'maintenance', 'retired']);
export const connectivity = z.enum(['never', 'active', 'inactive']);

export const device = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  profileId: z.uuid(),
  profileCode: z.string(),
  orgUnitId: z.uuid(),
  orgUnitCode: z.string(),
  location: pointGeometry,
  installDate: z.string().nullable(),
  status: deviceStatus,
  connectivity,
  connected: z.boolean(),
  lastSeenAt: z.string().nullable(),
  readingsCount: z.number(),
  outlierCount: z.number(),
  errorCount: z.number(),
  lastError: z.string().nullable(),
  /** The reason code of the last refusal (docs/devices.md), for display in the reader's language. */
  lastErrorReason: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  tokenPrefix: z.string().nullable(),
  apiKeyGroupId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type Device = z.infer<typeof device>;

export const deviceCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits, ".", "_", ":" or "-"');

export const createDevice = z.object({
  code: deviceCode,
  name: z.string().trim().min(1).max(200),
  profile: z.string().describe('profile code, e.g. air-quality'),
  location: pointGeometry,
  orgUnitId: z.uuid().optional().describe('derived from the location when omitted'),
  installDate: z.iso.date().nullable().default(null),
  status: deviceStatus.default('active'),
  apiKeyGroupId: z.uuid().nullable().default(null),
});
export type CreateDevice = z.infer<typeof createDevice>;

export const updateDevice = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    location: pointGeometry.optional(),
    orgUnitId: z.uuid().optional(),
    installDate: z.iso.date().nullable().optional(),
    status: deviceStatus.optional(),
    version: z.number().int(),
  })
  .strict();

export const deviceListQuery = z.object({
  unitId: z.uuid().optional(),
  profile: z.string().optional(),
  connectivity: connectivity.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const createdDevice = device.extend({ token: z.string().describe('the access token, shown once') });

export const metricState = z.object({
  metric: z.string(),
  ts: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  outlier: z.boolean(),
});
export type MetricState = z.infer<typeof metricState>;
/** Any JSON value: command parameters and attribute values. */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;
export const deviceLatest = z.object({ deviceId: z.uuid(), code: z.string(), metrics: z.array(metricState) });

const liveDevice = { deviceId: z.uuid(), code: z.string() };
/**
 * One message of GET /api/v1/live: the server-sent event's `event:` is `type`, its `data:` the JSON
 * of `data` (the bus event without the org-unit path it was routed by).
 */
export const liveMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('telemetry.stored'),
    data: z.object({ ...liveDevice, readings: z.array(metricState) }),
  }),
  z.object({
    type: z.literal('device.event'),
    data: z.object({
      ...liveDevice,
      kind: z.string(),
      ts: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  }),
  z.object({
    type: z.enum(['device.active', 'device.connected', 'device.disconnected']),
    data: z.object({ ...liveDevice, at: z.string() }),
  }),
  z.object({
    type: z.literal('device.inactive'),
    data: z.object({ ...liveDevice, lastSeenAt: z.string().nullable() }),
  }),
]);
export type LiveMessage = z.infer<typeof liveMessage>;
export type LiveEventType = LiveMessage['type'];

export const seriesQuery = z.object({
  metric: z.string(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  bucket: z.enum(['auto', 'raw', '1m', '1h', '1d']).default('auto'),
});
export const seriesPoint = z.object({
  ts: z.string(),
  value: z.number().nullable(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  count: z.number().optional(),
  text: z.string().nullable().optional(),
  outlier: z.boolean().optional(),
});
export const seriesResponse = z.object({
  deviceId: z.uuid(),
  metric: z.string(),
  bucket: z.enum(['raw', '1m', '1h', '1d']),
  points: z.array(seriesPoint),
});

/** `west,south,east,north` in degrees (WGS 84), as OGC API and Leaflet's toBBoxString write it. */
export const bboxText = z
  .string()
  .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'west,south,east,north in degrees')
  .transform((s) => s.split(',').map(Number) as [number, number, number, number])
  .refine(
    ([w, s, e, n]) => w >= -180 && e <= 180 && s >= -90 && n <= 90 && w <= e && s <= n,
    'west ≤ east and south ≤ north, within ±180/±90',
  );

export const deviceMapQuery = z.object({
  bbox: bboxText,
  zoom: z.coerce.number().int().min(0).max(22),
  unitId: z.uuid().optional(),
  profile: z.string().max(64).optional(),
});

/** One device on the map with the value its profile shows (AQI for air quality). */
export const mapDevice = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  profileCode: z.string(),
  lat: z.number(),
  lng: z.number(),
  connectivity,
  metric: z.string().nullable().describe('the primary metric, `aqi` for air quality'),
  value: z.number().nullable(),
  ts: z.string().nullable().describe('time of the newest reading behind the value'),
  sources: z
    .record(z.string(), z.number().nullable())
    .describe('latest readings the value is computed from (pm25 and pm10 for the AQI)'),
});
export type MapDevice = z.infer<typeof mapDevice>;

/** Devices of one H3 cell, summed up. `profileCode`/`metric` are set when the cell holds one profile. */
export const mapCell = z.object({
  h3: z.string(),
  lat: z.number(),
  lng: z.number(),
  boundary: z.array(z.tuple([z.number(), z.number()])).describe('[lng, lat] ring'),
  count: z.number().int(),
  online: z.number().int(),
  worstAqi: z.number().nullable(),
  profileCode: z.string().nullable(),
  metric: z.string().nullable(),
  meanValue: z.number().nullable(),
  maxValue: z.number().nullable(),
});
export type MapCell = z.infer<typeof mapCell>;

export const deviceMapResponse = z.object({
  mode: z.enum(['cells', 'devices']),
  resolution: z.number().int().nullable().describe('H3 resolution of the cells'),
  total: z.number().int().describe('devices in the box'),
  cells: z.array(mapCell),
  devices: z.array(mapDevice),
});
export type DeviceMapResponse = z.infer<typeof deviceMapResponse>;

// ---- Commands and attributes (ThingsBoard server-side RPC and shared attributes, FIWARE commands) ----

export const commandStatuses = [
  'pending',
  'queued',
  'delivered',
  'succeeded',
  'failed',
  'timed_out',
] as const;
export const commandStatus = z.enum(commandStatuses);
export type CommandStatus = z.infer<typeof commandStatus>;
/** Why a command failed before the device answered. */
export const commandErrors = ['not_connected'] as const;

const attributeKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a letter, then up to 63 letters, digits, "_", "." or "-"');
const boundedJson = (bytes: number) =>
  z.json().refine((v) => JSON.stringify(v).length <= bytes, `at most ${bytes} characters as JSON`);

export const sendCommand = z.object({
  method: attributeKey.describe('RPC method, or the FIWARE command name'),
  params: boundedJson(4096).optional().describe('any JSON; for FIWARE the command’s value'),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(10_000)
    .describe('how long the command stays valid; the request waits at most 55 s of it'),
  oneway: z.boolean().default(false).describe('true: no reply expected; returns once delivered or queued'),
  protocol: z
    .enum(['thingsboard', 'fiware'])
    .optional()
    .describe('default: fiware for devices of an API key group, else thingsboard'),
});
export type SendCommand = z.infer<typeof sendCommand>;

export const deviceCommand = z.object({
  id: z.uuid(),
  requestId: z.number().int(),
  protocol: z.enum(['thingsboard', 'fiware']),
  method: z.string(),
  params: z.unknown(),
  oneway: z.boolean(),
  status: commandStatus,
  response: z.unknown().nullable(),
  error: z.enum(commandErrors).nullable(),
  timeoutMs: z.number().int(),
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  expiresAt: z.string(),
});
export type DeviceCommand = z.infer<typeof deviceCommand>;

export const deviceAttribute = z.object({ key: z.string(), value: z.unknown(), updatedAt: z.string() });
export const deviceAttributes = z.object({
  client: z.array(deviceAttribute).describe('reported by the device'),
  shared: z.array(deviceAttribute).describe('set by staff, pushed to the device'),
  push: z
    .enum(['sent', 'queued', 'absent', 'offered'])
    .optional()
    .describe(
      'after a change: sent, queued for an offline session, absent (no session), offered to the other processes',
    ),
});
export type DeviceAttributes = z.infer<typeof deviceAttributes>;

/** Most attributes a device keeps per scope. */
export const MAX_ATTRIBUTES_PER_SCOPE = 64;

export const updateSharedAttributes = z.object({
  shared: z
    .record(attributeKey, boundedJson(1024).nullable())
    .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= MAX_ATTRIBUTES_PER_SCOPE, {
      message: `1 to ${MAX_ATTRIBUTES_PER_SCOPE} attributes`,
    })
    .describe('new values; null deletes the attribute'),
});
