import type { ProfileMetric } from '@civitas/contracts/devices';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DevicesRepository, IngestDeviceRow } from '../devices/devices.repository.js';
import { credentialHash } from '../devices/device-credentials.js';
import type { ProfilesRepository } from '../devices/profiles.repository.js';

/** A device as ingestion needs it: who it is, where it belongs, what it may report. */
export interface IngestDevice {
  id: string;
  code: string;
  status: string;
  orgUnitPath: string;
  apiKeyGroupId: string | null;
  profile: IngestProfile;
}

export interface IngestProfile {
  id: string;
  code: string;
  metrics: Map<string, ProfileMetric>;
  /** FIWARE short attribute names → metric keys. */
  objectIds: Map<string, string>;
  events: Set<string>;
  rawRetentionDays: number;
}

const TTL_MS = 30_000;

/**
 * Credential and profile lookups for the hot path, cached briefly. A change made through this
 * process (rotation, revocation, edit) clears the cache at once via the bus; another process
 * sees it within TTL_MS.
 */
export class DeviceDirectory {
  private readonly byKey = new Map<string, { device: IngestDevice | null; at: number }>();
  private readonly groups = new Map<string, { id: string | null; at: number }>();
  private profiles = new Map<string, IngestProfile>();
  private profilesAt = 0;

  constructor(
    private readonly devices: DevicesRepository,
    private readonly profileRepo: ProfilesRepository,
    bus: EventBus,
  ) {
    bus.subscribe('device.changed', () => {
      this.byKey.clear();
      this.groups.clear();
    });
  }

  byToken(token: string): Promise<IngestDevice | null> {
    return this.cached(`t:${credentialHash(token)}`, () => this.devices.byTokenHash(credentialHash(token)));
  }

  byCode(code: string): Promise<IngestDevice | null> {
    return this.cached(`c:${code}`, () => this.devices.byCodeForIngest(code));
  }

  byId(id: string): Promise<IngestDevice | null> {
    return this.cached(`i:${id}`, () => this.devices.byIdForIngest(id));
  }

  /** FIWARE: the device `deviceId` of the group holding `apikey`. */
  async byApiKey(apikey: string, code: string): Promise<IngestDevice | null> {
    const group = await this.group(apikey);
    if (!group) return null;
    return this.cached(`g:${group}:${code}`, () => this.devices.byGroupAndCode(group, code));
  }

  /** The group id of a valid (unrevoked) API key, or null. */
  async group(apikey: string): Promise<string | null> {
    const hash = credentialHash(apikey);
    const hit = this.groups.get(hash);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.id;
    const g = await this.devices.groupByHash(hash);
    const id = g && !g.revoked_at ? g.id : null;
    if (this.groups.size > 10_000) this.groups.clear();
    this.groups.set(hash, { id, at: Date.now() });
    return id;
  }

  private async cached(
    key: string,
    load: () => Promise<IngestDeviceRow | undefined>,
  ): Promise<IngestDevice | null> {
    const hit = this.byKey.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.device;
    const row = await load();
    const device = row ? await this.toDevice(row) : null;
    if (this.byKey.size > 50_000) this.byKey.clear();
    this.byKey.set(key, { device, at: Date.now() });
    return device;
  }

  private async toDevice(row: IngestDeviceRow): Promise<IngestDevice | null> {
    const profile = await this.profile(row.profile_id);
    if (!profile) return null;
    return {
      id: row.id,
      code: row.code,
      status: row.status,
      orgUnitPath: row.unit_path,
      apiKeyGroupId: row.api_key_group_id,
      profile,
    };
  }

  async profile(id: string): Promise<IngestProfile | undefined> {
    if (!this.profiles.has(id) || Date.now() - this.profilesAt > TTL_MS) {
      const all = await this.profileRepo.all();
      this.profiles = new Map(
        all.map((p) => {
          const metrics = p.metrics as ProfileMetric[];
          return [
            p.id,
            {
              id: p.id,
              code: p.code,
              metrics: new Map(metrics.map((m) => [m.key, m])),
              objectIds: new Map(metrics.filter((m) => m.objectId).map((m) => [m.objectId!, m.key])),
              events: new Set(p.events),
              rawRetentionDays: p.raw_retention_days,
            },
          ];
        }),
      );
      this.profilesAt = Date.now();
    }
    return this.profiles.get(id);
  }
}
