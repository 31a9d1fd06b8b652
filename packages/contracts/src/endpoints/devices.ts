import { z } from 'zod';
import { idParams, page } from '../common.js';
import {
  createDevice,
  createdDevice,
  device,
  deviceAttributes,
  deviceCommand,
  deviceLatest,
  deviceListQuery,
  deviceMapQuery,
  deviceMapResponse,
  deviceProfile,
  deviceProfileInput,
  metricState,
  sendCommand,
  seriesQuery,
  seriesResponse,
  updateDevice,
  updateSharedAttributes,
} from '../devices.js';
import {
  importedTokens,
  profileCopy,
  profileFile,
  profileImportQuery,
  profileImportReport,
  profileUpdate,
  profileWrite,
} from '../device-profiles.js';
import { defineEndpoint } from '../endpoint.js';
import { importJob } from '../registry.js';
import { importFileErrors, importFormFields, importHelperEndpoints } from '../imports.js';

const tags = ['devices'];
const ttags = ['telemetry'];

export const deviceRejection = z.object({ reason: z.string(), count: z.number(), lastAt: z.string() });
/** GET /devices/:id: the device, its refusals by reason, and whether the caller may command it. */
export const deviceDetail = device.extend({
  rejections: z.array(deviceRejection),
  canControl: z
    .boolean()
    .describe('whether the caller may send commands and shared attributes to this device'),
});
export type DeviceDetail = z.infer<typeof deviceDetail>;

export const apiKeyGroupSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  orgUnitId: z.uuid(),
  orgUnitCode: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});

export const deviceEvent = z.object({
  ts: z.string(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type DeviceEvent = z.infer<typeof deviceEvent>;

export const unitLatest = z.object({
  total: z.number(),
  items: z.array(
    z.object({
      deviceId: z.uuid(),
      code: z.string(),
      profileCode: z.string(),
      location: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
      connectivity: z.string(),
      metrics: z.array(metricState),
    }),
  ),
});

const deviceWriteErrors = [
  'unit_not_found',
  'unit_retired',
  'profile_not_found',
  'profile_retired',
  'group_not_found',
  'location_outside_units',
] as const;

export const deviceEndpoints = {
  import: defineEndpoint({
    method: 'POST',
    path: '/api/v1/devices/import',
    tags,
    summary:
      'Import devices from a CSV (UTF-8, GBK/GB18030, UTF-16) or xlsx file (multipart field "file"); poll /api/v1/imports/{id}',
    query: importFormFields,
    consumes: ['multipart/form-data'],
    responses: { 202: importJob },
    errors: importFileErrors,
  }),
  ...importHelperEndpoints('/api/v1/devices', tags, 'device list'),
  importTokens: defineEndpoint({
    method: 'POST',
    path: '/api/v1/devices/import/:id/tokens',
    tags,
    summary:
      'The access tokens a finished device import minted, handed out once to the user who ran it (then erased)',
    params: idParams,
    responses: { 200: importedTokens },
    errors: ['not_found', 'import_tokens_gone'],
  }),
  profiles: defineEndpoint({
    method: 'GET',
    path: '/api/v1/device-profiles',
    tags,
    responses: {
      200: z.object({
        items: z.array(deviceProfile),
        canDefine: z.boolean().describe('whether the caller may create, change and retire profiles'),
      }),
    },
    errors: [],
  }),
  profileGet: defineEndpoint({
    method: 'GET',
    path: '/api/v1/device-profiles/:id',
    tags,
    params: idParams,
    responses: { 200: deviceProfile },
    errors: ['not_found'],
  }),
  profileCreate: defineEndpoint({
    method: 'POST',
    path: '/api/v1/device-profiles',
    tags,
    summary: 'Define a device profile (profiles are installation-wide; root-level device administrators)',
    body: profileWrite,
    responses: { 201: deviceProfile },
    errors: ['code_taken'],
  }),
  profileUpdate: defineEndpoint({
    method: 'PUT',
    path: '/api/v1/device-profiles/:id',
    tags,
    summary: 'Change a profile: names, ranges, mapping and metrics; a metric with stored data stays',
    params: idParams,
    body: profileUpdate,
    responses: { 200: deviceProfile },
    errors: ['not_found', 'profile_builtin', 'stale_version', 'metric_has_data'],
  }),
  profileRetire: defineEndpoint({
    method: 'POST',
    path: '/api/v1/device-profiles/:id/retire',
    tags,
    summary: 'Retire a profile: its devices keep working, new devices cannot choose it',
    params: idParams,
    responses: { 200: deviceProfile },
    errors: ['not_found', 'profile_builtin'],
  }),
  profileRemove: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/device-profiles/:id',
    tags,
    summary: 'Delete a profile no device uses',
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found', 'profile_builtin', 'profile_in_use'],
  }),
  profileCopy: defineEndpoint({
    method: 'POST',
    path: '/api/v1/device-profiles/:id/copy',
    tags,
    summary: 'Copy a profile (built-in or not) under a new code, to edit',
    params: idParams,
    body: profileCopy,
    responses: { 201: deviceProfile },
    errors: ['not_found', 'code_taken'],
  }),
  profileExport: defineEndpoint({
    method: 'GET',
    path: '/api/v1/device-profiles/export',
    tags,
    summary: 'The operator-defined profiles as an import file (docs/device-profiles.md)',
    query: z.object({ builtin: z.enum(['true', 'false']).default('false') }),
    responses: { 200: z.object({ format: z.string(), profiles: z.array(deviceProfileInput) }) },
    errors: [],
  }),
  profileImport: defineEndpoint({
    method: 'POST',
    path: '/api/v1/device-profiles/import',
    tags,
    summary:
      'Create or update profiles from an import file, all or nothing, with a report per profile; dryRun=true only reports',
    query: profileImportQuery,
    body: profileFile,
    responses: { 200: profileImportReport },
    errors: [],
  }),
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices',
    tags,
    query: deviceListQuery,
    responses: { 200: page(device) },
    errors: [],
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id',
    tags,
    params: idParams,
    responses: { 200: deviceDetail },
    errors: ['not_found'],
  }),
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/devices',
    tags,
    summary: 'Register a device; the answer holds its access token, shown once',
    body: createDevice,
    responses: { 201: createdDevice },
    errors: ['code_taken', ...deviceWriteErrors],
  }),
  update: defineEndpoint({
    method: 'PATCH',
    path: '/api/v1/devices/:id',
    tags,
    params: idParams,
    body: updateDevice,
    responses: { 200: device },
    errors: ['not_found', 'stale_version', ...deviceWriteErrors],
  }),
  remove: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/devices/:id',
    tags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  rotateToken: defineEndpoint({
    method: 'POST',
    path: '/api/v1/devices/:id/token',
    tags,
    summary:
      'Rotate the access token (the old one stops working at once; in other processes once the bus carries the change)',
    params: idParams,
    responses: { 200: z.object({ token: z.string() }) },
    errors: ['not_found'],
  }),
  revokeToken: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/devices/:id/token',
    tags,
    summary: 'Revoke the access token',
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  apiKeyGroups: defineEndpoint({
    method: 'GET',
    path: '/api/v1/api-key-groups',
    tags,
    responses: { 200: z.object({ items: z.array(apiKeyGroupSummary) }) },
    errors: [],
  }),
  createApiKeyGroup: defineEndpoint({
    method: 'POST',
    path: '/api/v1/api-key-groups',
    tags,
    summary: 'Create a FIWARE API key group (the key is shown once)',
    body: z.object({ name: z.string().trim().min(1).max(100), orgUnitId: z.uuid() }),
    responses: { 201: z.object({ id: z.uuid(), apikey: z.string(), prefix: z.string() }) },
    errors: ['unit_not_found', 'unit_retired'],
  }),
  revokeApiKeyGroup: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/api-key-groups/:id',
    tags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  sendCommand: defineEndpoint({
    method: 'POST',
    path: '/api/v1/devices/:id/rpc',
    tags,
    summary:
      'Send a command (ThingsBoard RPC, or a FIWARE command for devices of an API key group); ' +
      'two-way waits for the answer, one-way for delivery',
    params: idParams,
    body: sendCommand,
    responses: { 200: deviceCommand },
    errors: ['not_found', 'device_retired'],
  }),
  commands: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id/rpc',
    tags,
    summary: 'Commands sent to the device, newest first',
    params: idParams,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(20),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: page(deviceCommand) },
    errors: ['not_found'],
  }),
  attributes: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id/attributes',
    tags,
    summary: 'Client and shared attributes',
    params: idParams,
    responses: { 200: deviceAttributes },
    errors: ['not_found'],
  }),
  setAttributes: defineEndpoint({
    method: 'PUT',
    path: '/api/v1/devices/:id/attributes',
    tags,
    summary: 'Set (or, with null, delete) shared attributes; the change is pushed to the device',
    params: idParams,
    body: updateSharedAttributes,
    responses: { 200: deviceAttributes },
    errors: ['not_found', 'device_retired', 'too_many_attributes'],
  }),
};

export const telemetryEndpoints = {
  series: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id/series',
    tags: ttags,
    summary: 'A metric over a time range; raw or rollup chosen for the range unless `bucket` says',
    params: idParams,
    query: seriesQuery,
    responses: { 200: seriesResponse },
    errors: ['not_found', 'bad_range'],
  }),
  latest: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id/latest',
    tags: ttags,
    summary: 'The digital twin: latest value per metric',
    params: idParams,
    responses: { 200: deviceLatest },
    errors: ['not_found'],
  }),
  events: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/:id/events',
    tags: ttags,
    params: idParams,
    query: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
    responses: { 200: z.object({ items: z.array(deviceEvent) }) },
    errors: ['not_found', 'bad_range'],
  }),
  unitLatest: defineEndpoint({
    method: 'GET',
    path: '/api/v1/telemetry/latest',
    tags: ttags,
    summary: 'Latest state of every device under an org unit (for maps and dashboards)',
    query: z.object({
      unitId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    responses: { 200: unitLatest },
    errors: ['not_found'],
  }),
  map: defineEndpoint({
    method: 'GET',
    path: '/api/v1/devices/map',
    tags: ttags,
    summary:
      'Devices in a box for a map: H3 cells (count, online, worst AQI, mean value) when zoomed out, single devices with their primary value when zoomed in',
    query: deviceMapQuery,
    responses: { 200: deviceMapResponse },
    errors: ['not_found'],
  }),
  live: defineEndpoint({
    method: 'GET',
    path: '/api/v1/live',
    tags: ttags,
    summary: 'Live readings and device events as server-sent events',
    description:
      'Each event is named by its type (telemetry.stored, device.event, device.active, device.inactive, ' +
      'device.connected, device.disconnected) and carries the JSON of `liveMessage` (contracts/devices) ' +
      'for that type; ids count up, so a reconnect with Last-Event-ID replays what was missed.',
    query: z.object({
      unitId: z.uuid().optional(),
      lastEventId: z.coerce.number().int().min(0).optional(),
    }),
    responses: { 200: 'events' },
    errors: ['not_found'],
  }),
};
