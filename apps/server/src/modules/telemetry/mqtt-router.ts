import type { IngestDevice, DeviceDirectory } from './device-directory.js';
import { parseFiwareMeasures, parseFiwareSingle, parseFiwareTopic } from './formats/fiware.js';
import type { ParseResult, Reading } from './formats/reading.js';
import { parseSenml } from './formats/senml.js';
import {
  parseThingsBoardAttributes,
  parseThingsBoardGateway,
  parseThingsBoardTelemetry,
} from './formats/thingsboard.js';
import type { IngestOutcome, IngestService } from './ingest.service.js';

/**
 * Who is publishing, as the door established it. On the embedded broker the CONNECT username
 * identifies a device (token) or a FIWARE group (API key). Behind an external broker, the broker
 * authenticated the connection and the credential travels in the topic instead.
 */
export type Publisher =
  | { kind: 'device'; device: IngestDevice }
  | { kind: 'apikey'; apikey: string; groupId: string }
  | { kind: 'broker' };

export type RouteResult =
  | { status: 'stored'; accepted: number; rejected: IngestOutcome['rejected'] }
  | { status: 'refused'; code: 'malformed' | 'payload_too_large'; reason: string }
  | { status: 'forbidden'; reason: string };

const TB = /^v1\/devices\/([^/]+)\/(telemetry|attributes|senml)$/;
const TB_GATEWAY = /^v1\/gateway\/(?:([^/]+)\/)?telemetry$/;

/**
 * Topic → format → device → pipeline. Deny by default: a topic that names another device, or a
 * shape this router does not know, is refused and (when a device is known) counted against it.
 */
export class MqttRouter {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly ingest: IngestService,
    private readonly maxPayloadBytes: number,
  ) {}

  async route(who: Publisher, topic: string, payload: Buffer): Promise<RouteResult> {
    const tb = TB.exec(topic);
    if (tb) return this.thingsBoard(who, tb[1]!, tb[2] as 'telemetry' | 'attributes' | 'senml', payload);
    const gw = TB_GATEWAY.exec(topic);
    if (gw) return this.gateway(who, gw[1] ?? 'me', payload);
    const fw = parseFiwareTopic(topic);
    if (fw && fw.kind === 'attrs') return this.fiware(who, fw.apikey, fw.deviceId, fw.attr, payload);
    // Long segments may be credentials; they are not echoed into a device's error text.
    const shown = topic
      .split('/')
      .map((seg) => (seg.length > 16 ? '…' : seg))
      .join('/');
    return this.forbidden(who, `topic ${shown.slice(0, 80)} is not one Civitas accepts`);
  }

  /** Refuses a publication; a known device has the attempt counted against it. */
  private async forbidden(who: Publisher, what: string): Promise<RouteResult> {
    const reason = `not authorized to publish here (${what.slice(0, 100)})`;
    if (who.kind === 'device') await this.ingest.refuse(who.device, 'forbidden_topic', reason);
    return { status: 'forbidden', reason };
  }

  private async deviceFor(who: Publisher, tokenSegment: string): Promise<IngestDevice | null> {
    if (tokenSegment === 'me') return who.kind === 'device' ? who.device : null;
    // A token in the topic is honoured only behind an external broker, which did the authentication.
    if (who.kind !== 'broker') return null;
    return this.directory.byToken(tokenSegment);
  }

  private tooLarge(device: IngestDevice, payload: Buffer): Promise<RouteResult> | null {
    if (payload.length <= this.maxPayloadBytes) return null;
    return this.ingest
      .refuse(
        device,
        'payload_too_large',
        `payload of ${payload.length} bytes exceeds ${this.maxPayloadBytes}`,
      )
      .then((out) => ({
        status: 'refused' as const,
        code: 'payload_too_large' as const,
        reason: out.rejected[0]!.detail,
      }));
  }

  private async thingsBoard(
    who: Publisher,
    seg: string,
    kind: 'telemetry' | 'attributes' | 'senml',
    payload: Buffer,
  ) {
    const device = await this.deviceFor(who, seg);
    if (!device) return this.forbidden(who, `${kind} topic of another device`);
    const big = this.tooLarge(device, payload);
    if (big) return big;
    let parsed: ParseResult<Reading[]>;
    if (kind === 'telemetry') parsed = parseThingsBoardTelemetry(payload);
    else if (kind === 'attributes') {
      // Attributes also carry descriptive keys (firmware, model); only the profile's metrics are kept.
      const a = parseThingsBoardAttributes(payload);
      parsed = a.ok ? { ok: true, value: a.value.filter((r) => device.profile.metrics.has(r.key)) } : a;
    } else parsed = this.senmlFor(device, payload);
    return this.submit(device, parsed, false);
  }

  private senmlFor(device: IngestDevice, payload: Buffer): ParseResult<Reading[]> {
    const groups = parseSenml(payload, Date.now());
    if (!groups.ok) return groups;
    const readings: Reading[] = [];
    for (const g of groups.value) {
      // The base name, when given, must name this device (e.g. "urn:dev:civitas:AQ-1:" or "AQ-1/").
      if (g.name && !g.name.replace(/[:/]$/, '').endsWith(device.code)) {
        return { ok: false, error: `SenML base name ${g.name.slice(0, 60)} names another device` };
      }
      readings.push(...g.readings);
    }
    return { ok: true, value: readings };
  }

  private async gateway(who: Publisher, seg: string, payload: Buffer): Promise<RouteResult> {
    const gateway = await this.deviceFor(who, seg);
    if (!gateway || gateway.profile.code !== 'gateway')
      return this.forbidden(who, 'gateway topic without a gateway credential');
    const big = this.tooLarge(gateway, payload);
    if (big) return big;
    const parsed = parseThingsBoardGateway(payload);
    if (!parsed.ok) {
      await this.ingest.refuse(gateway, 'malformed', parsed.error);
      return { status: 'refused', code: 'malformed', reason: parsed.error };
    }
    let accepted = 0;
    const rejected: IngestOutcome['rejected'] = [];
    for (const entry of parsed.value) {
      const child = await this.directory.byCode(entry.device);
      // A gateway speaks only for devices of its own part of the tree.
      if (!child || !child.orgUnitPath.startsWith(gateway.orgUnitPath)) {
        const out = await this.ingest.refuse(
          gateway,
          'forbidden_topic',
          `gateway may not publish for device ${entry.device.slice(0, 60)}`,
        );
        rejected.push(...out.rejected);
        continue;
      }
      const out = await this.ingest.ingest(child, entry.readings);
      accepted += out.accepted + out.events;
      rejected.push(...out.rejected);
    }
    return { status: 'stored', accepted, rejected };
  }

  private async fiware(who: Publisher, apikey: string, code: string, attr: string | null, payload: Buffer) {
    if (who.kind === 'device') return this.forbidden(who, 'FIWARE topic with a device token');
    if (who.kind === 'apikey' && who.apikey !== apikey)
      return this.forbidden(who, 'FIWARE topic of another API key');
    const device = await this.directory.byApiKey(apikey, code);
    if (!device) return this.forbidden(who, `unknown API key or device ${code.slice(0, 40)}`);
    const big = this.tooLarge(device, payload);
    if (big) return big;
    const parsed = attr === null ? parseFiwareMeasures(payload) : parseFiwareSingle(attr, payload);
    return this.submit(device, parsed, true);
  }

  private async submit(
    device: IngestDevice,
    parsed: ParseResult<Reading[]>,
    fiwareNames: boolean,
  ): Promise<RouteResult> {
    if (!parsed.ok) {
      await this.ingest.refuse(device, 'malformed', parsed.error);
      return { status: 'refused', code: 'malformed', reason: parsed.error };
    }
    const out = await this.ingest.ingest(device, parsed.value, { fiwareNames });
    return { status: 'stored', accepted: out.accepted + out.events, rejected: out.rejected };
  }
}
