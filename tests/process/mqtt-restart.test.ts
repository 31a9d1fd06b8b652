import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, registerDevice, until, type Device } from './mqtt-support.js';
import { childEnv, portOpen, scratchDatabase, signIn, startServer, type Running } from './support.js';

/**
 * A Civitas process behind the machine's Mosquitto (127.0.0.1:1883), without MQTT_CLIENT_ID, is
 * killed with SIGKILL while readings arrive at a steady rate and while the commits of the messages
 * it holds are held back, then started again. A TCP relay between the process and the broker
 * reads the MQTT packets on the wire: which client ids connect, whether the broker finds their
 * sessions, which PUBLISHes each connection has not acknowledged. Checked: several messages wait
 * for their commit on each connection; none of those is stored or acknowledged before the kill;
 * the restarted process takes the same client ids and sessions back, the broker sends it what
 * the killed one held and what arrived meanwhile, and every reading the broker accepted is
 * stored exactly once.
 */
const brokerUrl = new URL(process.env.TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883');
const brokerPort = Number(brokerUrl.port || 1883);
const available = await portOpen(brokerPort);
if (!available && process.env.CI) throw new Error(`CI needs Mosquitto at ${brokerUrl.href}`);

const tag = `rs${randomBytes(4).toString('hex')}`;
const password = 'demo-pass-123';
const RATE = 20; // messages per second, one reading each
const INFLIGHT = 10;

// ---- A relay that reads MQTT 5 packets in both directions -------------------------------------

interface Wire {
  clientId: string;
  sessionPresent: boolean | null;
  /** PUBLISH (QoS 1) from the broker not yet acknowledged: packet id -> reading ts. */
  unacked: Map<number, number>;
  /** The most PUBLISHes that waited for their PUBACK at once. */
  peak: number;
  /** Reading timestamps the broker sent again (DUP flag set). */
  duplicates: number[];
  closed: boolean;
}
const wires: Wire[] = [];

/** Splits a byte stream into MQTT packets: fixed header, variable-length Remaining Length. */
function packets(onPacket: (type: number, flags: number, body: Buffer) => void) {
  let buf = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 2) return;
      let len = 0;
      let mult = 1;
      let i = 1;
      for (; ; i++) {
        if (i >= buf.length) return;
        len += (buf[i]! & 0x7f) * mult;
        mult *= 128;
        if ((buf[i]! & 0x80) === 0) break;
      }
      const start = i + 1;
      if (buf.length < start + len) return;
      onPacket(buf[0]! >> 4, buf[0]! & 0x0f, buf.subarray(start, start + len));
      buf = buf.subarray(start + len);
    }
  };
}

/** A variable byte integer at `at`: its value and the offset after it. */
function varint(b: Buffer, at: number): [number, number] {
  let v = 0;
  let mult = 1;
  for (;;) {
    const byte = b[at++]!;
    v += (byte & 0x7f) * mult;
    mult *= 128;
    if ((byte & 0x80) === 0) return [v, at];
  }
}

function relay(port: number): Promise<net.Server> {
  const server = net.createServer((down) => {
    const up = net.connect(brokerPort, brokerUrl.hostname);
    const wire: Wire = {
      clientId: '',
      sessionPresent: null,
      unacked: new Map(),
      peak: 0,
      duplicates: [],
      closed: false,
    };
    wires.push(wire);
    const fromClient = packets((type, _flags, body) => {
      if (type === 1) {
        // CONNECT: protocol name, level, flags, keep alive, properties, then the client id.
        const nameLen = body.readUInt16BE(0);
        const [propLen, at] = varint(body, 2 + nameLen + 4);
        const idAt = at + propLen;
        wire.clientId = body.toString('utf8', idAt + 2, idAt + 2 + body.readUInt16BE(idAt));
      } else if (type === 4) {
        wire.unacked.delete(body.readUInt16BE(0));
      }
    });
    const fromBroker = packets((type, flags, body) => {
      if (type === 2) wire.sessionPresent = (body[0]! & 1) === 1;
      if (type !== 3 || ((flags >> 1) & 3) !== 1) return;
      const topicLen = body.readUInt16BE(0);
      const id = body.readUInt16BE(2 + topicLen);
      const [propLen, at] = varint(body, 4 + topicLen);
      const { ts } = JSON.parse(body.toString('utf8', at + propLen)) as { ts: number };
      if (flags & 0x08) wire.duplicates.push(ts);
      wire.unacked.set(id, ts);
      wire.peak = Math.max(wire.peak, wire.unacked.size);
    });
    down.on('data', (d: Buffer) => (fromClient(d), up.write(d)));
    up.on('data', (d: Buffer) => (fromBroker(d), down.write(d)));
    const close = () => {
      wire.closed = true;
      down.destroy();
      up.destroy();
    };
    down.on('close', close);
    up.on('close', close);
    down.on('error', close);
    up.on('error', close);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// ---- The test --------------------------------------------------------------------------------

let scratch: { url: string; drop: () => Promise<void> };
let proxy: net.Server;
let db: pg.Client;
let env: NodeJS.ProcessEnv;
let civitas: Running | null = null;
let device: Device;
let publisher: MqttClient;
const expectedIds = [`civitas-${os.hostname()}-all-${tag}`, `civitas-${os.hostname()}-all-${tag}-2`];

beforeAll(async () => {
  if (!available) return;
  scratch = await scratchDatabase('civitas_mqtt_restart');
  const proxyPort = await freePort();
  proxy = await relay(proxyPort);
  env = childEnv({
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    MQTT_URL: `mqtt://127.0.0.1:${proxyPort}`,
    // A group of its own: other subscribers of the machine's broker do not take a share.
    MQTT_SHARED_GROUP: tag,
    MQTT_SUBSCRIBER_CONNECTIONS: '2',
    MQTT_SUBSCRIBER_INFLIGHT: String(INFLIGHT),
    // No MQTT_CLIENT_ID: the default id under test. INSTANCE keeps it apart from other runs here.
    INSTANCE: tag,
    DEVICE_RATE_LIMIT: '1000',
  });
  civitas = await startServer(env);
  const s = await signIn(civitas.url, 'demo-community-1', password);
  device = await registerDevice(civitas.url, s, { prefix: 'RS' });
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
}, 180_000);

afterAll(async () => {
  if (!available) return;
  publisher?.end(true);
  await civitas?.stop();
  await db?.end();
  // Remove the test's sessions from the machine's broker (clean start, no expiry), or they would
  // queue every device message published there for an hour.
  for (const clientId of expectedIds) {
    const c = await mqtt.connectAsync(brokerUrl.href, {
      protocolVersion: 5,
      clientId,
      clean: true,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    });
    await c.endAsync();
  }
  proxy?.close();
  await scratch?.drop();
}, 60_000);

const storedCount = async () =>
  Number((await db.query('SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [device.id])).rows[0].n);

describe.runIf(available)('MQTT restart behind the machine Mosquitto', () => {
  it('takes its sessions back under the same default client id after SIGKILL: nothing the broker accepted is lost', async () => {
    // A device publishing at a steady rate; the broker's PUBACK means it holds the reading.
    publisher = await mqtt.connectAsync(brokerUrl.href, {
      protocolVersion: 5,
      clientId: `${tag}-device`,
      clean: true,
    });
    const accepted = new Set<number>();
    let inFlight: number[] = [];
    let sent = 0;
    const base = Date.now() - 3_600_000;
    const timer = setInterval(() => {
      const ts = base + sent++ * 1000;
      publisher
        .publishAsync(`v1/devices/${device.token}/telemetry`, JSON.stringify({ ts, values: { pm25: 5 } }), {
          qos: 1,
        })
        .then(
          () => accepted.add(ts),
          () => undefined,
        );
    }, 1000 / RATE);
    try {
      // The process came up under the default id: civitas-<host>-<role>-<INSTANCE>, -2 for the second.
      expect(wires.map((w) => w.clientId).sort()).toEqual([...expectedIds].sort());
      await until('readings stored', storedCount, (n) => n >= 20, 30_000);

      // Commits held back: a SHARE lock on the hourly rollups, which every write statement needs.
      const hold = new pg.Client({ connectionString: scratch.url });
      await hold.connect();
      await hold.query('BEGIN');
      await hold.query('LOCK TABLE telemetry_1h IN SHARE MODE');
      const live = () => wires.filter((w) => !w.closed);
      // A full window of messages waits on each connection for the commit, none acknowledged.
      await until(
        'several unacknowledged messages on each connection',
        async () => live().map((w) => w.unacked.size),
        (sizes) => sizes.length === 2 && sizes.every((n) => n >= INFLIGHT),
        30_000,
      );
      inFlight = live().flatMap((w) => [...w.unacked.values()]);
      civitas!.child.kill('SIGKILL');
      await until(
        'the process to exit',
        async () => civitas!.child.exitCode ?? civitas!.child.signalCode,
        (c) => c !== null,
      );
      await until(
        'its connections to close',
        async () => live().length,
        (n) => n === 0,
      );
      // The killed process's statements, still waiting for the lock, go with it.
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1)`,
        [(await hold.query('SELECT pg_backend_pid() AS pid')).rows[0].pid],
      );
      await hold.query('COMMIT');
      await hold.end();
      // What it held was neither acknowledged nor stored.
      const held = await db.query(
        'SELECT count(*)::int AS n FROM telemetry WHERE device_id = $1 AND ts = ANY($2)',
        [device.id, inFlight.map((ts) => new Date(ts))],
      );
      expect(inFlight.length).toBe(2 * INFLIGHT);
      expect(held.rows[0].n).toBe(0);

      // Restarted with the same environment while the device keeps publishing.
      const before = wires.length;
      const acceptedAtRestart = accepted.size;
      civitas = await startServer(env);
      const again = wires.slice(before);
      expect(again.map((w) => w.clientId).sort()).toEqual([...expectedIds].sort());
      // The broker found both sessions, with what they held and what arrived meanwhile.
      expect(again.map((w) => w.sessionPresent)).toEqual([true, true]);
      await until(
        'the backlog and newer readings stored',
        storedCount,
        (n) => n >= acceptedAtRestart + 20,
        60_000,
      );
    } finally {
      clearInterval(timer);
    }
    // Everything the broker accepted is stored, once.
    await until(
      'publishes settled',
      async () => accepted.size,
      (n) => n === sent,
      10_000,
    );
    await until('every accepted reading stored', storedCount, (n) => n >= accepted.size, 60_000);
    const rows = await db.query<{ ts: Date }>('SELECT ts FROM telemetry WHERE device_id = $1', [device.id]);
    const stored = rows.rows.map((r) => r.ts.getTime());
    expect(stored.length).toBe(new Set(stored).size);
    expect([...accepted].filter((ts) => !stored.includes(ts))).toEqual([]);
    expect(stored.length).toBe(accepted.size);
    // The messages held at the kill came back to the restarted process as duplicates.
    const redelivered = new Set(wires.flatMap((w) => w.duplicates));
    expect(inFlight.filter((ts) => !redelivered.has(ts))).toEqual([]);
    // A fresh session: the broker kept to the Receive Maximum the process announced, and that many
    // waited for their commit on each connection. (Mosquitto 2.0.11 exceeds it on a resumed
    // session, resending what was in flight on top of a full window; the subscriber then stops
    // reading that connection until the excess is answered, ADR 0032.)
    expect(wires.slice(0, 2).map((w) => w.peak)).toEqual([INFLIGHT, INFLIGHT]);
  }, 300_000);
});
