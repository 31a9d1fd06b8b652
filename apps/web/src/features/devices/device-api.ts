import type {
  Device,
  DeviceAttributes,
  DeviceCommand,
  DeviceProfile,
  MapDevice,
} from '@civitas/contracts/devices';
import { useMemo } from 'react';
import { useResource } from '../../app/use-resource';

/** Answer of GET /devices. */
export interface DevicePage {
  items: Device[];
  total: number;
  limit: number;
  offset: number;
}

export interface Rejection {
  reason: string;
  count: number;
  lastAt: string;
}

/** Answer of GET /devices/:id: the device, its refusals by reason, and whether the caller may command it. */
export type DeviceDetail = Device & { rejections: Rejection[]; canControl: boolean };

export type MetricValue = number | string | boolean | null;

export interface MetricState {
  metric: string;
  ts: string;
  value: MetricValue;
  outlier: boolean;
}

/** One reading as the live stream and the latest-state API carry it. */
export type LiveReading = MetricState;

export type { Device, DeviceAttributes, DeviceCommand, DeviceProfile, MapDevice };

/** Profiles are few and rarely change; every device screen reads them once. */
export function useProfiles(): Map<string, DeviceProfile> {
  const { data } = useResource<{ items: DeviceProfile[] }>('/device-profiles');
  // One Map per answer, so screens that draw from it (the map's markers) do not redraw per render.
  return useMemo(() => new Map((data?.items ?? []).map((p) => [p.code, p])), [data]);
}
