/**
 * The platform's side of the device protocols: messages Civitas sends to one device. The devices
 * module decides what to send (commands, attribute pushes, answers); an MQTT door (the embedded
 * broker or the external-broker client, in modules/telemetry/doors) decides how it travels and
 * plugs itself in as the transport when ingestion starts.
 */
export type Downlink =
  | { kind: 'attributes' }
  | { kind: 'attributes_response'; requestId: number | string }
  | { kind: 'rpc_request'; requestId: number | string }
  | { kind: 'rpc_response'; requestId: number | string }
  | { kind: 'gateway_rpc' }
  | { kind: 'gateway_attributes' }
  | { kind: 'fiware_cmd' };

/** What a transport needs to address a device. */
export interface DownlinkDevice {
  id: string;
  code: string;
  apiKeyGroupId: string | null;
}

/**
 * - `sent`: handed to a connection of the device that listens there (embedded broker), or accepted
 *   by the external broker, which routes it by its own subscriptions (Civitas cannot see them);
 * - `queued`: held for a persistent session of the device that is offline now;
 * - `absent`: nobody can receive it through this transport; nothing was sent.
 */
export type SendResult = 'sent' | 'queued' | 'absent';

export interface SendOptions {
  /** A message still queued at this time (ms since epoch) is dropped instead of delivered late. */
  expiresAt?: number;
  /** Called once the message is written to the device's connection (embedded broker only). */
  onDelivered?: () => void;
  /**
   * Called once someone can receive the message, before it is published; false means another
   * process took the message on, and nothing is sent (`absent`).
   */
  claim?: () => Promise<boolean>;
}

export interface DownlinkTransport {
  /** True when messages are handed to an external broker, which does its own routing. */
  readonly external: boolean;
  send(device: DownlinkDevice, message: Downlink, payload: Buffer, opts?: SendOptions): Promise<SendResult>;
}

/** The transport of this process, once an MQTT door has started; none in the CLI. */
export class DownlinkPort {
  private transport: DownlinkTransport | null = null;

  attach(transport: DownlinkTransport): () => void {
    this.transport = transport;
    return () => {
      if (this.transport === transport) this.transport = null;
    };
  }

  get external(): boolean {
    return this.transport?.external ?? false;
  }

  send(device: DownlinkDevice, message: Downlink, payload: Buffer, opts?: SendOptions): Promise<SendResult> {
    return this.transport ? this.transport.send(device, message, payload, opts) : Promise.resolve('absent');
  }
}
