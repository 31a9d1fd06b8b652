import type { PayloadFormat, ProfileMetric } from '@civitas/contracts/devices';
import type { IngestDevice } from './device-directory.js';
import type { Reading } from './formats/reading.js';
import type { DeviceEventRow, StoredReading } from './telemetry.repository.js';
import type { TelemetryWriter } from './telemetry-writer.js';

export type RejectReason =
  | 'malformed'
  | 'forbidden_topic'
  | 'payload_too_large'
  | 'rate_limited'
  | 'device_retired'
  | 'unknown_metric'
  | 'not_numeric'
  | 'invalid_value'
  | 'future_timestamp'
  | 'stale_timestamp';

export interface IngestOutcome {
  accepted: number;
  outliers: number;
  events: number;
  rejected: { key: string | null; reason: RejectReason; detail: string }[];
}

export interface IngestSettings {
  /** Readings stamped further ahead than this are refused (clock gone wrong). */
  maxFutureMs: number;
  /** Sustained messages per second per device, and the burst allowed above it. */
  ratePerSecond: number;
  rateBurst: number;
}

/**
 * The one ingestion pipeline. Every door (MQTT embedded or external, HTTP, NGSI-LD) parses its
 * format into readings and hands them here with the device it authenticated. Here each reading
 * is checked against the device's profile: unknown metrics and wrong types are refused and
 * counted by reason, out-of-range numbers are kept but flagged, and the rest goes to the writer.
 * The returned promise settles once the accepted readings are durably stored.
 */
export class IngestService {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly writer: TelemetryWriter,
    private readonly settings: IngestSettings,
  ) {}

  async ingest(
    device: IngestDevice,
    readings: Reading[],
    /** admitted: the caller already took this message's rate allowance (`admit`). */
    /** format: the readings carry that format's payload keys (the profile maps them); none: metric keys. */
    opts: { format?: PayloadFormat; now?: number; admitted?: boolean } = {},
  ): Promise<IngestOutcome> {
    const now = opts.now ?? Date.now();
    const out: IngestOutcome = { accepted: 0, outliers: 0, events: 0, rejected: [] };
    if (device.status === 'retired')
      return this.refuseAll(device, out, 'device_retired', 'the device is retired');
    if (!opts.admitted && !this.takeToken(device.id, now))
      return this.refuseAll(
        device,
        out,
        'rate_limited',
        `more than ${this.settings.ratePerSecond} messages per second`,
      );

    const stored: StoredReading[] = [];
    const events: DeviceEventRow[] = [];
    const p = device.profile;
    const oldest = now - p.rawRetentionDays * 86_400_000;
    for (const r of readings) {
      const ts = r.ts ?? now;
      if (ts > now + this.settings.maxFutureMs) {
        out.rejected.push({
          key: r.key,
          reason: 'future_timestamp',
          detail: `${r.key}: timestamp ${new Date(ts).toISOString()} is in the future`,
        });
        continue;
      }
      if (ts < oldest) {
        out.rejected.push({
          key: r.key,
          reason: 'stale_timestamp',
          detail: `${r.key}: timestamp is older than the ${p.rawRetentionDays}-day retention`,
        });
        continue;
      }
      // The format's payload key first; a metric's own key is accepted too (as a FIWARE IoT Agent
      // passes an attribute no object_id names through under its name), so adding a mapping to a
      // profile never breaks a device that already sends the metric keys. Where a metric's key is
      // another metric's payload key in this format, the mapping wins.
      const key = (opts.format ? p.aliases[opts.format].get(r.key) : undefined) ?? r.key;
      const eventKind =
        key === 'event' && typeof r.value === 'string'
          ? r.value
          : p.events.has(key) && r.value === true
            ? key
            : null;
      if (eventKind !== null) {
        if (!p.events.has(eventKind)) {
          out.rejected.push({
            key,
            reason: 'invalid_value',
            detail: `event ${eventKind.slice(0, 40)} is not one this ${p.code} sends`,
          });
          continue;
        }
        events.push({ deviceId: device.id, ts: new Date(ts), kind: eventKind, data: {} });
        continue;
      }
      const metric = p.metrics.get(key);
      if (!metric) {
        out.rejected.push({
          key,
          reason: 'unknown_metric',
          detail: `${key.slice(0, 40)} is not a metric of profile ${p.code}`,
        });
        continue;
      }
      const checked = checkValue(metric, r.value);
      if ('reason' in checked) {
        out.rejected.push({ key, reason: checked.reason, detail: `${key}: ${checked.detail}` });
        continue;
      }
      if (checked.outlier) out.outliers++;
      stored.push({
        deviceId: device.id,
        metric: key,
        ts: new Date(ts),
        num: checked.num,
        txt: checked.txt,
        outlier: checked.outlier,
      });
    }
    out.accepted = stored.length;
    out.events = events.length;
    await this.writer.write({
      deviceId: device.id,
      code: device.code,
      orgUnitPath: device.orgUnitPath,
      readings: stored,
      events,
      rejections: countReasons(out.rejected),
      lastError: printable(out.rejected[out.rejected.length - 1]?.detail ?? null),
    });
    return out;
  }

  /**
   * Takes one message from the device's rate allowance for a message that carries no readings
   * (an RPC answer, an attribute request); when none is left, records and returns the refusal.
   */
  async admit(device: IngestDevice): Promise<IngestOutcome | null> {
    if (this.takeToken(device.id, Date.now())) return null;
    return this.refuse(
      device,
      'rate_limited',
      `more than ${this.settings.ratePerSecond} messages per second`,
    );
  }

  /** Records a message refused before it could be read (malformed, too large), against its device. */
  async refuse(device: IngestDevice, reason: RejectReason, detail: string): Promise<IngestOutcome> {
    return this.refuseAll(device, { accepted: 0, outliers: 0, events: 0, rejected: [] }, reason, detail);
  }

  private async refuseAll(device: IngestDevice, out: IngestOutcome, reason: RejectReason, detail: string) {
    out.rejected.push({ key: null, reason, detail });
    await this.writer.write({
      deviceId: device.id,
      code: device.code,
      orgUnitPath: device.orgUnitPath,
      readings: [],
      events: [],
      rejections: new Map([[reason, 1]]),
      lastError: printable(detail),
    });
    return out;
  }

  private takeToken(deviceId: string, now: number): boolean {
    const b = this.buckets.get(deviceId) ?? { tokens: this.settings.rateBurst, at: now };
    b.tokens = Math.min(
      this.settings.rateBurst,
      b.tokens + ((now - b.at) / 1000) * this.settings.ratePerSecond,
    );
    b.at = now;
    this.buckets.set(deviceId, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

type Checked =
  { num: number | null; txt: string | null; outlier: boolean } | { reason: RejectReason; detail: string };

function checkValue(metric: ProfileMetric, value: Reading['value']): Checked {
  switch (metric.type) {
    case 'number': {
      // Devices often send numbers as text ("21.5"); a value that is not a number at all is refused.
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n))
        return {
          reason: 'not_numeric',
          detail: `expected a number, got ${JSON.stringify(value).slice(0, 40)}`,
        };
      return { num: n, txt: null, outlier: n < metric.min || n > metric.max };
    }
    case 'text': {
      const t = String(value);
      // PostgreSQL text cannot hold NUL; such a value is refused here rather than poisoning a batch.
      if (t.includes('\u0000')) return { reason: 'invalid_value', detail: 'text contains a NUL character' };
      if (metric.values && !metric.values.includes(t)) {
        return {
          reason: 'invalid_value',
          detail: `expected one of ${metric.values.join(', ')}, got ${t.slice(0, 40)}`,
        };
      }
      return { num: null, txt: t, outlier: false };
    }
    case 'boolean': {
      const b =
        value === true || value === 'true' || value === 1
          ? true
          : value === false || value === 'false' || value === 0
            ? false
            : null;
      if (b === null)
        return {
          reason: 'invalid_value',
          detail: `expected true or false, got ${JSON.stringify(value).slice(0, 40)}`,
        };
      return { num: b ? 1 : 0, txt: null, outlier: false };
    }
  }
}

/** Error texts echo device input; control characters (NUL above all) are replaced before storing. */
function printable(text: string | null): string | null {
  // eslint-disable-next-line no-control-regex
  return text === null ? null : text.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD').slice(0, 500);
}

function countReasons(rejected: IngestOutcome['rejected']): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rejected) m.set(r.reason, (m.get(r.reason) ?? 0) + 1);
  return m;
}
