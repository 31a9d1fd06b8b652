import { payloadKeyOf, type PayloadFormat, type ProfileMetric } from '@civitas/contracts/devices';
import type { EventBus } from '../../platform/bus/event-bus.js';
import { Cache } from '../../platform/cache/cache.js';
import { credentialHash } from '../devices/device-credentials.js';
import type { DevicesService, IngestDeviceRow } from '../devices/devices.service.js';

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
  /** Per payload format, the key a payload carries → the metric key (ADR 0041). */
  aliases: Record<PayloadFormat, Map<string, string>>;
  events: Set<string>;
  rawRetentionDays: number;
}

const TTL_MS = 30_000;

/**
 * Credential and profile lookups for the hot path, cached briefly. A device change (rotation,
 * revocation, edit) is announced on the bus (`device.changed`, broadcast to every process when the
 * bus crosses processes) and clears the cache at once; TTL_MS bounds it when a process missed the
 * announcement (it was disconnected from the bus).
 */
export class DeviceDirectory {
  private readonly byKey = new Cache<string, IngestDevice | null>({ ttlMs: TTL_MS, maxEntries: 50_000 });
  private readonly groups = new Cache<string, string | null>({ ttlMs: TTL_MS, maxEntries: 10_000 });
  private readonly profiles = new Cache<'all', Map<string, IngestProfile>>({ ttlMs: TTL_MS, maxEntries: 1 });

  constructor(
    /** The device registry, asked through its service. */
    private readonly devices: DevicesService,
    bus: EventBus,
  ) {
    bus.subscribe('device.changed', ({ deviceId }) => {
      this.byKey.clear();
      this.groups.clear();
      // No device named: a profile changed (or a bulk change); devices hold their profile, so both go.
      if (deviceId === null) this.profiles.clear();
    });
  }

  byToken(token: string): Promise<IngestDevice | null> {
    return this.cached(`t:${credentialHash(token)}`, () =>
      this.devices.ingestDeviceByTokenHash(credentialHash(token)),
    );
  }

  byCode(code: string): Promise<IngestDevice | null> {
    return this.cached(`c:${code}`, () => this.devices.ingestDeviceByCode(code));
  }

  byId(id: string): Promise<IngestDevice | null> {
    return this.cached(`i:${id}`, () => this.devices.ingestDeviceById(id));
  }

  /** FIWARE: the device `deviceId` of the group holding `apikey`. */
  async byApiKey(apikey: string, code: string): Promise<IngestDevice | null> {
    const group = await this.group(apikey);
    if (!group) return null;
    return this.cached(`g:${group}:${code}`, () => this.devices.ingestDeviceInGroup(group, code));
  }

  /** The group id of a valid (unrevoked) API key, or null. */
  group(apikey: string): Promise<string | null> {
    const hash = credentialHash(apikey);
    return this.groups.load(hash, async () => {
      const g = await this.devices.apiKeyGroupByHash(hash);
      return g && !g.revoked_at ? g.id : null;
    });
  }

  private cached(
    key: string,
    load: () => Promise<IngestDeviceRow | undefined>,
  ): Promise<IngestDevice | null> {
    return this.byKey.load(key, async () => {
      const row = await load();
      return row ? await this.toDevice(row) : null;
    });
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

  /** A session's device with its profile as it is now, so a profile change reaches open sessions. */
  async withCurrentProfile(d: IngestDevice): Promise<IngestDevice> {
    const p = await this.profile(d.profile.id);
    return p && p !== d.profile ? { ...d, profile: p } : d;
  }

  async profile(id: string): Promise<IngestProfile | undefined> {
    const profiles = await this.profiles.load('all', () => this.loadProfiles());
    if (profiles.has(id)) return profiles.get(id);
    // A profile created since the last read.
    this.profiles.delete('all');
    return (await this.profiles.load('all', () => this.loadProfiles())).get(id);
  }

  private async loadProfiles(): Promise<Map<string, IngestProfile>> {
    const all = await this.devices.profilesList();
    return new Map(
      all.map((p) => {
        const metrics = p.metrics as ProfileMetric[];
        return [
          p.id,
          {
            id: p.id,
            code: p.code,
            metrics: new Map(metrics.map((m) => [m.key, m])),
            aliases: {
              thingsboard: aliasesOf(metrics, 'thingsboard'),
              fiware: aliasesOf(metrics, 'fiware'),
              senml: aliasesOf(metrics, 'senml'),
            },
            events: new Set(p.events),
            rawRetentionDays: p.raw_retention_days,
          },
        ];
      }),
    );
  }
}

function aliasesOf(metrics: ProfileMetric[], format: PayloadFormat): Map<string, string> {
  return new Map(metrics.map((m) => [payloadKeyOf(m, format), m.key]));
}
