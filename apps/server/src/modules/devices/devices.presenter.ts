import type { Device, DeviceProfile, DeviceProfileInput } from '@civitas/contracts/devices';
import type { DeviceProfileRow } from './devices.tables.js';
import type { DeviceWithUnit } from './devices.repository.js';

export function presentDevice(d: DeviceWithUnit): Device {
  return {
    id: d.id,
    code: d.code,
    name: d.name,
    profileId: d.profile_id,
    profileCode: d.profile_code,
    orgUnitId: d.org_unit_id,
    orgUnitCode: d.unit_code,
    location: { type: 'Point', coordinates: [d.lng, d.lat] },
    installDate: d.install_date,
    status: d.status,
    connectivity: d.connectivity,
    connected: d.connected,
    lastSeenAt: d.last_seen_at?.toISOString() ?? null,
    readingsCount: d.readings_count,
    outlierCount: d.outlier_count,
    errorCount: d.error_count,
    lastError: d.last_error,
    lastErrorReason: d.last_error_reason ?? null,
    lastErrorAt: d.last_error_at?.toISOString() ?? null,
    tokenPrefix: d.token_prefix,
    apiKeyGroupId: d.api_key_group_id,
    version: d.version,
    createdAt: d.created_at.toISOString(),
  };
}

/** The profile as the import file and the update body write it. */
export function profileInput(p: DeviceProfileRow): DeviceProfileInput {
  return {
    code: p.code,
    name: { 'zh-CN': p.name_zh, en: p.name_en },
    entityType: p.entity_type as DeviceProfileInput['entityType'],
    metrics: p.metrics as DeviceProfileInput['metrics'],
    events: p.events,
    reportingIntervalS: p.reporting_interval_s,
    inactivityTimeoutS: p.inactivity_timeout_s,
    rawRetentionDays: p.raw_retention_days,
    rollupRetentionDays: p.rollup_retention_days,
  };
}

export function presentProfile(p: DeviceProfileRow & { device_count: number }): DeviceProfile {
  return {
    id: p.id,
    ...profileInput(p),
    builtin: p.builtin,
    retiredAt: p.retired_at?.toISOString() ?? null,
    deviceCount: p.device_count,
    updatedAt: p.updated_at.toISOString(),
  };
}
