import type { PayloadFormat } from '@civitas/contracts/devices';
import type { DeviceAttributesService } from '../devices/device-attributes.service.js';
import type { DeviceCommandsService } from '../devices/device-commands.service.js';
import type { IngestDevice, DeviceDirectory } from './device-directory.js';
import {
  parseAttributeRequest,
  parseClientAttributes,
  parseFiwareCommandResult,
  parseRpcResponse,
} from './formats/device-replies.js';
import { parseFiwareMeasures, parseFiwareSingle, parseFiwareTopic } from './formats/fiware.js';
import { toReadingValue, type ParseResult, type Reading } from './formats/reading.js';
import { parseSenml } from './formats/senml.js';
import { parseThingsBoardGateway, parseThingsBoardTelemetry } from './formats/thingsboard.js';
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
/** The device's side of ThingsBoard's request/response exchanges: `…/{kind}/{requestId}`. */
const TB_EXCHANGE = /^v1\/devices\/([^/]+)\/(rpc\/response|rpc\/request|attributes\/request)\/([^/]{1,20})$/;

/** The devices module's side of commands and attributes, as the router needs it. */
export interface DeviceControl {
  commands: Pick<DeviceCommandsService, 'answered' | 'fiwareResult'>;
  attributes: Pick<DeviceAttributesService, 'reported' | 'requested'>;
  /** Answers device-side RPC, which Civitas does not serve (docs/devices.md). */
  refuseDeviceRpc(device: IngestDevice, requestId: string): Promise<void>;
}
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
    private readonly control: DeviceControl,
  ) {}

  async route(who: Publisher, topic: string, payload: Buffer): Promise<RouteResult> {
    const tb = TB.exec(topic);
    if (tb) return this.thingsBoard(who, tb[1]!, tb[2] as 'telemetry' | 'attributes' | 'senml', payload);
    const ex = TB_EXCHANGE.exec(topic);
    if (ex) return this.exchange(who, ex[1]!, ex[2]!, ex[3]!, payload);
    const gw = TB_GATEWAY.exec(topic);
    if (gw) return this.gateway(who, gw[1] ?? 'me', payload);
    const fw = parseFiwareTopic(topic);
    if (fw)
      return this.fiware(who, fw.apikey, fw.deviceId, fw.kind === 'cmdexe' ? 'cmdexe' : fw.attr, payload);
    // Long segments may be credentials; they are not echoed into a device's error text.
    const shown = topic
      .split('/')
      .map((seg) => (seg.length > 16 ? '…' : seg))
      .join('/');
    return this.forbidden(who, `topic ${shown.slice(0, 80)} is not one Civitas accepts`);
  }

  /**
   * Refuses a publication; a known device (the publisher, or the one the topic resolved to) has
   * the attempt counted against it.
   */
  private async forbidden(who: Publisher, what: string, device?: IngestDevice): Promise<RouteResult> {
    const reason = `not authorized to publish here (${what.slice(0, 100)})`;
    const against = who.kind === 'device' ? who.device : device;
    if (against) await this.ingest.refuse(against, 'forbidden_topic', reason);
    return { status: 'forbidden', reason };
  }

  private async deviceFor(who: Publisher, tokenSegment: string): Promise<IngestDevice | null> {
    // A session keeps the device it signed in as, but takes its profile as it is now (ADR 0041).
    if (tokenSegment === 'me')
      return who.kind === 'device' ? this.directory.withCurrentProfile(who.device) : null;
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
    else if (kind === 'attributes') return this.clientAttributes(device, payload);
    else parsed = this.senmlFor(device, payload);
    return this.submit(device, parsed, kind === 'senml' ? 'senml' : 'thingsboard');
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
      const out = await this.ingest.ingest(child, entry.readings, { format: 'thingsboard' });
      accepted += out.accepted + out.events;
      rejected.push(...out.rejected);
    }
    return { status: 'stored', accepted, rejected };
  }

  /**
   * Client attributes: every key is kept as the device's client attribute (bounded); keys that are
   * metrics of its profile are also stored as readings.
   */
  private async clientAttributes(device: IngestDevice, payload: Buffer): Promise<RouteResult> {
    const attrs = parseClientAttributes(payload);
    if (!attrs.ok) return this.submit(device, attrs, 'thingsboard');
    // A retired device's report is refused (and counted) by the pipeline, and nothing is kept.
    if (device.status === 'retired') return this.submit(device, { ok: true, value: [] }, 'thingsboard');
    // The rate limit before anything is written; the readings below are then not charged again.
    const limited = await this.ingest.admit(device);
    if (limited) return { status: 'stored', accepted: 0, rejected: limited.rejected };
    const refusal = await this.control.attributes.reported(device.id, attrs.value);
    const readings: Reading[] = [];
    for (const [key, raw] of Object.entries(attrs.value)) {
      const value = device.profile.aliases.thingsboard.has(key) ? toReadingValue(key, raw) : null;
      if (value?.ok) readings.push({ key, value: value.value, ts: null });
    }
    const out = await this.ingest.ingest(device, readings, { admitted: true, format: 'thingsboard' });
    const rejected = [...out.rejected];
    if (refusal !== null)
      rejected.push(...(await this.ingest.refuse(device, 'invalid_value', refusal)).rejected);
    return { status: 'stored', accepted: out.accepted + out.events, rejected };
  }

  /** RPC responses, device-side RPC requests and attribute requests (ThingsBoard). */
  private async exchange(who: Publisher, seg: string, kind: string, requestId: string, payload: Buffer) {
    const device = await this.deviceFor(who, seg);
    if (!device) return this.forbidden(who, `${kind} topic of another device`);
    const big = this.tooLarge(device, payload);
    if (big) return big;
    const limited = await this.ingest.admit(device);
    if (limited) return { status: 'stored' as const, accepted: 0, rejected: limited.rejected };
    if (kind === 'rpc/request') {
      await this.control.refuseDeviceRpc(device, requestId);
      return this.forbidden(who, 'device-side RPC is not supported', device);
    }
    if (kind === 'attributes/request') {
      const q = parseAttributeRequest(payload);
      if (!q.ok) return this.submit(device, q, 'thingsboard');
      await this.control.attributes.requested(device, requestId, q.value);
      return { status: 'stored' as const, accepted: 1, rejected: [] };
    }
    const id = Number(requestId);
    const response = parseRpcResponse(payload);
    if (!response.ok) return this.submit(device, response, 'thingsboard');
    if (Number.isSafeInteger(id) && (await this.control.commands.answered(device.id, id, response.value)))
      return { status: 'stored' as const, accepted: 1, rejected: [] };
    return this.unexpected(device, `no open RPC with request id ${requestId.slice(0, 20)}`);
  }

  private async unexpected(device: IngestDevice, detail: string): Promise<RouteResult> {
    const out = await this.ingest.refuse(device, 'invalid_value', detail);
    return { status: 'stored', accepted: 0, rejected: out.rejected };
  }

  private async fiware(who: Publisher, apikey: string, code: string, attr: string | null, payload: Buffer) {
    if (who.kind === 'device') return this.forbidden(who, 'FIWARE topic with a device token');
    if (who.kind === 'apikey' && who.apikey !== apikey)
      return this.forbidden(who, 'FIWARE topic of another API key');
    const device = await this.directory.byApiKey(apikey, code);
    if (!device) return this.forbidden(who, `unknown API key or device ${code.slice(0, 40)}`);
    const big = this.tooLarge(device, payload);
    if (big) return big;
    if (attr === 'cmdexe') return this.fiwareResult(device, payload);
    const parsed = attr === null ? parseFiwareMeasures(payload) : parseFiwareSingle(attr, payload);
    return this.submit(device, parsed, 'fiware');
  }

  /** `/json/{apikey}/{deviceId}/cmdexe` `{"<command>": <result>}`: each result closes its command. */
  private async fiwareResult(device: IngestDevice, payload: Buffer): Promise<RouteResult> {
    const limited = await this.ingest.admit(device);
    if (limited) return { status: 'stored', accepted: 0, rejected: limited.rejected };
    const results = parseFiwareCommandResult(payload);
    if (!results.ok) return this.submit(device, results, 'fiware');
    let accepted = 0;
    for (const r of results.value) {
      if (await this.control.commands.fiwareResult(device.id, r.command, r.result)) accepted++;
      else return this.unexpected(device, `no open command ${r.command.slice(0, 40)} waits for a result`);
    }
    return { status: 'stored', accepted, rejected: [] };
  }

  private async submit(
    device: IngestDevice,
    parsed: ParseResult<Reading[]>,
    format: PayloadFormat,
  ): Promise<RouteResult> {
    if (!parsed.ok) {
      await this.ingest.refuse(device, 'malformed', parsed.error);
      return { status: 'refused', code: 'malformed', reason: parsed.error };
    }
    const out = await this.ingest.ingest(device, parsed.value, { format });
    return { status: 'stored', accepted: out.accepted + out.events, rejected: out.rejected };
  }
}
