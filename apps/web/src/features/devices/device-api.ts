import type { MetricState } from '@civitas/contracts/devices';
import type { ResponseOf } from '@civitas/contracts/endpoint';
import { endpoints } from '@civitas/contracts/endpoints';
import type { DeviceProfile } from '@civitas/contracts/devices';
import { useMemo } from 'react';
import { useEndpoint } from '../../app/use-resource';

export type { DeviceDetail, DeviceEvent } from '@civitas/contracts/endpoints/devices';
export type {
  Device,
  DeviceAttributes,
  DeviceCommand,
  DeviceProfile,
  MapDevice,
  MetricState,
} from '@civitas/contracts/devices';

/** Answer of GET /devices. */
export type DevicePage = ResponseOf<typeof endpoints.devices.list>;
export type MetricValue = MetricState['value'];
/** One reading as the live stream and the latest-state API carry it. */
export type LiveReading = MetricState;

/** Profiles are few and rarely change; every device screen reads them once. */
export function useProfiles(): Map<string, DeviceProfile> {
  const { data } = useEndpoint(endpoints.devices.profiles, {});
  // One Map per answer, so screens that draw from it (the map's markers) do not redraw per render.
  return useMemo(() => new Map((data?.items ?? []).map((p) => [p.code, p])), [data]);
}
