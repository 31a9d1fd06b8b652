import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, registerDevice, send, until, type Device, type Session } from './mqtt-support.js';
import {
  childEnv,
  HAPROXY_PATH,
  haproxyConfig,
  MOSQUITTO_PATH,
  root,
  scratchDatabase,
  signIn,
  startHaproxy,
  startMosquitto,
  startServer,
  startWorker,
  tempDir,
  type Daemon,
  type Running,
} from './support.js';

/**
 * The city topology on one machine (docs/deployment.md): three Civitas processes (every role) on one
 * PostgreSQL database, subscribed to a Mosquitto with MQTT 5 shared subscriptions, the event bus
 * on NATS, behind HAProxy. Through the load balancer: sign in, create a case, read it back; a live
 * view on one process sees readings another ingested; one process is killed with SIGKILL while
 * readings arrive at a steady rate and restarted with its MQTT client ids, and every reading the
 * broker acknowledged is stored exactly once, sessions keep working, its jobs move elsewhere.
 */
const available = fs.existsSync(HAPROXY_PATH) && fs.existsSync(MOSQUITTO_PATH);
if (!available && process.env.CI) throw new Error(`CI needs HAProxy (${HAPROXY_PATH}) and Mosquitto`);

const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const tag = `cl${randomBytes(4).toString('hex')}`;
const password = 'demo-pass-123';
const JOB_INTERVAL_MS = 5_000; // CASE_DEADLINE_INTERVAL_SECONDS=5, the smallest accepted
const JOB_POLL_MS = JOB_INTERVAL_MS / 4; // how often a process asks whether a job is due (ADR 0023)
const RATE = 60; // readings per second over all devices, one per MQTT message
const names = ['a', 'b', 'c'] as const;
type Name = (typeof names)[number];

interface Node {
  name: Name;
  port: number;
  env: NodeJS.ProcessEnv;
  proc: Running;
}
const nodes = new Map<Name, Node>();
let scratch: { url: string; drop: () => Promise<void> };
let broker: Daemon;
let lb: Daemon;
let lbUrl: string;
let mqttPort: number;
let db: pg.Client;
let s: Session;
/** A point inside the community of the signed-in user, for cases. */
let where: { type: 'Point'; coordinates: [number, number] };
let publisher: MqttClient;
/** Client ids the broker sent a first delivery (d0) to, per topic, in order, from its log. */
const deliveries = new Map<string, string[]>();
/** Deliveries the broker repeated (d1) after a connection broke, per process. */
const redelivered: Record<Name, number> = { a: 0, b: 0, c: 0 };
/** Called on each delivery line, synchronously, while the test wants to act on one. */
let onDelivery: ((clientId: string) => void) | null = null;
const dir = tempDir('cluster');
const dataDir = tempDir('cluster-data');

const node = (n: Name) => nodes.get(n)!;
/** Which process a client id of the shared group belongs to: `<tag>-b`, `<tag>-b-3`, … */
const processOf = (clientId: string) =>
  new RegExp(`^${tag}-([abc])(?:-\\d+)?$`).exec(clientId)?.[1] as Name | undefined;

function onBrokerLine(line: string) {
  const m = /Sending PUBLISH to (\S+) \(d([01]), q1, r0, m\d+, '([^']+)'/.exec(line);
  if (!m) return;
  const [, clientId, dup, topic] = m as unknown as [string, string, string, string];
  if (dup === '1') {
    const p = processOf(clientId);
    if (p) redelivered[p]++;
    return;
  }
  const list = deliveries.get(topic) ?? [];
  list.push(clientId);
  deliveries.set(topic, list);
  onDelivery?.(clientId);
}

beforeAll(async () => {
  if (!available) return;
  fs.chmodSync(dir, 0o755);
  scratch = await scratchDatabase('civitas_cluster3');
  mqttPort = await freePort();
  broker = await startMosquitto(dir, mqttPort, onBrokerLine);
  const shared = {
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    BUS_URL: natsUrl,
    BUS_PREFIX: tag,
    MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
    MQTT_SUBSCRIBER_CONNECTIONS: '8',
    CASE_DEADLINE_INTERVAL_SECONDS: String(JOB_INTERVAL_MS / 1000),
    TRUST_PROXY: '127.0.0.1',
  };
  // One after the other: the first migrates and loads the demo district, the others find them.
  for (const name of names) {
    const port = await freePort();
    const env = childEnv({
      ...shared,
      PORT: String(port),
      // One DATA_DIR for all, as shared storage would be: attachments are files under it.
      DATA_DIR: dataDir,
      // A stable client id per process: its persistent sessions outlive a crash (see the kill test).
      MQTT_CLIENT_ID: `${tag}-${name}`,
    });
    nodes.set(name, { name, port, env, proc: await startServer(env) });
  }
  const lbPort = await freePort();
  lb = await startHaproxy(
    dir,
    lbPort,
    names.map((name) => ({ name, port: node(name).port })),
  );
  lbUrl = `http://127.0.0.1:${lbPort}`;
  // HAProxy marks a server up after two good checks: wait until answers come from all three.
  const seen = new Set<string>();
  await until(
    'HAProxy to route to all three processes',
    async () => {
      const r = await fetch(`${lbUrl}/readyz`);
      seen.add(r.headers.get('x-civitas-backend') ?? '');
      return seen.size;
    },
    () => names.every((n) => seen.has(n)),
    20_000,
  );
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
  publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    protocolVersion: 5,
    clientId: `${tag}-devices`,
    clean: true,
    reconnectPeriod: 0,
  });
  s = await signIn(lbUrl, 'demo-community-1', password);
  const { body } = await viaLb<{ items: { location: { coordinates: [number, number] } }[] }>(
    'GET',
    '/api/v1/devices?limit=1',
  );
  where = { type: 'Point', coordinates: body.items[0]!.location.coordinates };
}, 300_000);

afterAll(async () => {
  await publisher?.endAsync();
  await db?.end();
  await lb?.stop();
  await Promise.all([...nodes.values()].map((n) => n.proc.stop()));
  await broker?.stop();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!available) return;
  const nc = await connect({ servers: natsUrl });
  await (await jetstreamManager(nc)).streams.delete(`${tag.toUpperCase()}_WORK`).catch(() => false);
  await nc.close();
}, 60_000);

/** A request through the load balancer; answers with the body and the process that served it. */
async function viaLb<T>(method: string, path: string, body?: unknown) {
  const r = await send<T>(lbUrl, s, method, path, body);
  return { status: r.status, backend: r.headers.get('x-civitas-backend') as Name | null, body: r.body };
}

/** Server-sent events from `base`, each `telemetry.stored` frame kept with its arrival time. */
class LiveWatcher {
  readonly frames: { at: number; data: string }[] = [];
  private readonly abort = new AbortController();
  private constructor() {}

  static async open(base: string, session: Session): Promise<LiveWatcher> {
    const w = new LiveWatcher();
    const res = await fetch(`${base}/api/v1/live`, {
      headers: { cookie: session.cookie },
      signal: w.abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let opened: () => void = () => undefined;
    const open = new Promise<void>((r) => (opened = r));
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const f of frames) {
          if (f.startsWith('retry:')) opened();
          const data = /^data: (.*)$/m.exec(f)?.[1];
          if (/^event: telemetry\.stored$/m.test(f) && data) w.frames.push({ at: Date.now(), data });
        }
      }
    })();
    await Promise.race([
      open,
      new Promise((_, reject) => setTimeout(() => reject(new Error('live stream did not open')), 10_000)),
    ]);
    return w;
  }

  /** When a frame containing `text` arrived, waiting for it at most `ms`. */
  seen(text: string, ms = 10_000) {
    return until(
      `a live frame with ${text}`,
      async () => this.frames.find((f) => f.data.includes(text))?.at,
      (at) => at !== undefined,
      ms,
    ) as Promise<number>;
  }

  close() {
    this.abort.abort();
  }
}

const telemetryTopic = (d: Device) => `v1/devices/${d.token}/telemetry`;

describe.skipIf(!available)('three processes behind HAProxy', () => {
  it('signs in, creates a case and reads it back through the load balancer', async () => {
    // (Signed in through the load balancer in beforeAll.)
    const created = await viaLb<{ id: string; title: string }>('POST', '/api/v1/cases', {
      channel: 'walk_in',
      category: 'road_facility.pothole',
      title: `Cluster check ${tag}`,
      location: where,
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id;
    // Round robin: six reads land on every process, each finds the session and the case.
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const read = await viaLb<{ id: string; title: string }>('GET', `/api/v1/cases/${caseId}`);
      expect(read.status).toBe(200);
      expect(read.body.title).toBe(`Cluster check ${tag}`);
      served.add(read.backend!);
    }
    expect([...served].sort()).toEqual(['a', 'b', 'c']);

    // An attachment uploaded through one process is read through every other.
    const pdf = Buffer.from(`%PDF-1.4\n% cluster ${tag}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
    const form = new FormData();
    form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'note.pdf');
    const up = await fetch(`${lbUrl}/api/v1/cases/${caseId}/attachments`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      body: form,
    });
    expect(up.status, await up.clone().text()).toBe(201);
    const { id: fileId } = (await up.json()) as { id: string };
    const readers = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${lbUrl}/api/v1/cases/${caseId}/attachments/${fileId}`, {
        headers: { cookie: s.cookie },
      });
      const backend = res.headers.get('x-civitas-backend');
      expect(res.status, `read through ${backend}`).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
      readers.add(backend!);
    }
    expect([...readers].sort()).toEqual(['a', 'b', 'c']);
  });

  it('a live view on process a sees, within a second, readings that b and c ingested', async () => {
    const marker = await registerDevice(lbUrl, s, { prefix: 'LIVE' });
    const onA = await LiveWatcher.open(`http://127.0.0.1:${node('a').port}`, s);
    // And one through HAProxy: the stream must not be buffered on its way.
    const throughLb = await LiveWatcher.open(lbUrl, s);
    const topic = telemetryTopic(marker);
    const latency: Record<Name, number[]> = { a: [], b: [], c: [] };
    try {
      for (let i = 0; i < 30 && (latency.b.length < 2 || latency.c.length < 2); i++) {
        const value = 700 + i + 0.125;
        const t0 = Date.now();
        await publisher.publishAsync(topic, JSON.stringify({ pm25: value }), { qos: 1 });
        const at = await onA.seen(String(value));
        // The broker's log names the connection it handed this (i-th) message to.
        const to = await until(
          'the broker to log the delivery',
          async () => deliveries.get(topic)?.[i],
          (c) => c !== undefined,
          5_000,
        );
        latency[processOf(to!)!].push(at - t0);
        await throughLb.seen(String(value));
      }
    } finally {
      onA.close();
      throughLb.close();
    }
    console.info(`live latency on a, ms, by ingesting process: ${JSON.stringify(latency)}`);
    expect(latency.b.length).toBeGreaterThanOrEqual(2);
    expect(latency.c.length).toBeGreaterThanOrEqual(2);
    for (const ms of [...latency.b, ...latency.c]) expect(ms).toBeLessThan(1_000);
  });

  it('SIGKILL of one process mid-ingest: no acknowledged reading lost or stored twice, sessions and jobs carry on', async () => {
    const devices: Device[] = [];
    for (let i = 0; i < 6; i++) devices.push(await registerDevice(lbUrl, s, { prefix: 'KILL' }));
    const ids = devices.map((d) => d.id);

    // The victim: the process that holds the deadline job's lease, so it has jobs to hand over.
    const pidOf = (holder: string | null) => Number(holder?.split(':')[1]);
    const deadlineJob = async () =>
      (
        await db.query<{ holder: string | null; last_started_at: Date | null; runs: number }>(
          "SELECT holder, last_started_at, runs::int AS runs FROM job_schedule WHERE name = 'cases.deadlines'",
        )
      ).rows[0];
    const before = await until(
      'a deadline run',
      deadlineJob,
      (j) => !!j && j.runs >= 1 && names.some((n) => node(n).proc.child.pid === pidOf(j.holder)),
      30_000,
    );
    const victim = names.find((n) => node(n).proc.child.pid === pidOf(before!.holder))!;
    const survivors = names.filter((n) => n !== victim);

    // Publish at a steady rate, each message one reading of one device, its PUBACK recorded.
    const acked = new Set<string>();
    const sent = new Set<string>();
    const pending = new Set<Promise<void>>();
    let failures = 0;
    const lastTs = new Map<string, number>();
    const started = Date.now();
    let count = 0;
    const publishOne = () => {
      const d = devices[count++ % devices.length]!;
      const ts = Math.max(Date.now(), (lastTs.get(d.id) ?? 0) + 1);
      lastTs.set(d.id, ts);
      const key = `${d.id}/${ts}`;
      sent.add(key);
      const p = publisher
        .publishAsync(telemetryTopic(d), JSON.stringify({ ts, values: { pm25: (count % 500) + 0.5 } }), {
          qos: 1,
        })
        .then(
          () => void acked.add(key),
          () => void failures++,
        )
        .finally(() => pending.delete(p));
      pending.add(p);
    };
    const ticker = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * RATE) / 1000);
      while (count < due) publishOne();
    }, 10);
    const stored = async () =>
      Number(
        (
          await db.query<{ n: string }>('SELECT count(*) AS n FROM telemetry WHERE device_id = ANY($1)', [
            ids,
          ])
        ).rows[0]!.n,
      );

    try {
      await until('readings to flow', stored, (n) => n >= RATE, 20_000);
      const v = node(victim);
      const exited = new Promise((r) => v.proc.child.once('exit', r));
      // Mid-ingest: killed the moment the broker hands it a reading, which it cannot have stored
      // and acknowledged yet; that reading waits in its session for the restart (below).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no delivery to ${victim} within 10 s`)), 10_000);
        onDelivery = (clientId) => {
          if (processOf(clientId) !== victim) return;
          v.proc.child.kill('SIGKILL');
          onDelivery = null;
          clearTimeout(timer);
          resolve();
        };
      });
      await exited;
      const killedAt = (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now.getTime();
      const ackedAtKill = acked.size;

      // Sessions keep working through the others: reads and a write, none refused.
      for (let i = 0; i < 6; i++) {
        const me = await viaLb<{ username: string }>('GET', '/api/v1/auth/me');
        expect(me.status).toBe(200);
        expect(survivors).toContain(me.backend);
      }
      const second = await viaLb<{ id: string }>('POST', `/api/v1/cases`, {
        channel: 'walk_in',
        category: 'road_facility.pothole',
        title: `While ${victim} is down`,
        location: where,
      });
      expect(second.status).toBe(201);
      expect((await viaLb('GET', `/api/v1/cases/${second.body.id}`)).status).toBe(200);

      // Its jobs are taken over within one interval and one poll.
      const next = await until(
        'a survivor to run the deadline job',
        deadlineJob,
        (j) => !!j?.last_started_at && j.last_started_at.getTime() > killedAt,
        JOB_INTERVAL_MS + JOB_POLL_MS + 10_000,
      );
      expect(survivors.map((n) => node(n).proc.child.pid)).toContain(pidOf(next!.holder));
      expect(next!.last_started_at!.getTime() - killedAt).toBeLessThanOrEqual(
        JOB_INTERVAL_MS + JOB_POLL_MS + 1_000,
      );

      // While it is down, the broker keeps a share of the stream in its sessions (Mosquitto does
      // not hand a shared-subscription message to another member): restart it with its client ids.
      const waitingWhileDown = acked.size - (await stored());
      const restartedAt = Date.now();
      v.proc = await startServer(v.env);
      const restartMs = Date.now() - restartedAt;
      await until(
        'HAProxy to route to the restarted process',
        async () => (await fetch(`${lbUrl}/readyz`)).headers.get('x-civitas-backend'),
        (b) => b === victim,
        20_000,
      );
      // A little more ingest with all three up, then stop publishing.
      const more = count + RATE;
      await until(
        'one more second of publishing',
        async () => count,
        (c) => c >= more,
        10_000,
      );
      clearInterval(ticker);
      await until(
        'every PUBACK',
        async () => pending.size,
        (n) => n === 0,
        20_000,
      );
      expect(failures).toBe(0);
      expect(acked.size).toBe(sent.size);

      const drainStart = Date.now();
      await until('every acknowledged reading stored', stored, (n) => n >= acked.size, 120_000);
      console.info(
        `cluster: ${acked.size} readings acknowledged at ${RATE}/s (${ackedAtKill} before the kill); ` +
          `${waitingWhileDown} waiting at the broker or in flight while ${victim} was down; ` +
          `${redelivered[victim]} redelivered (dup) to ${victim} after its restart in ${restartMs} ms; ` +
          `drained ${Date.now() - drainStart} ms after publishing stopped`,
      );
      // The reading in flight at the kill came back to the restarted process's session.
      expect(redelivered[victim]).toBeGreaterThanOrEqual(1);
    } finally {
      clearInterval(ticker);
    }

    // Exactly once: every acknowledged reading is one row, nothing else is there.
    const rows = await db.query<{ device_id: string; ms: string; n: number }>(
      `SELECT device_id, (extract(epoch FROM ts) * 1000)::bigint AS ms, count(*)::int AS n
         FROM telemetry WHERE device_id = ANY($1) AND metric = 'pm25' GROUP BY 1, 2`,
      [ids],
    );
    const storedKeys = new Set(rows.rows.map((r) => `${r.device_id}/${r.ms}`));
    expect(rows.rows.filter((r) => r.n !== 1)).toEqual([]);
    expect([...acked].filter((k) => !storedKeys.has(k))).toEqual([]);
    expect(rows.rows.length).toBe(acked.size);
    // A reading redelivered after the crash must not count twice in the rollups.
    for (const [table, width] of [
      ['telemetry_1m', '1 minute'],
      ['telemetry_1h', '1 hour'],
    ] as const) {
      const off = await db.query(
        `SELECT r.device_id, r.bucket, r.count::int AS rollup,
                (SELECT count(*)::int FROM telemetry t
                  WHERE t.device_id = r.device_id AND t.metric = r.metric
                    AND t.ts >= r.bucket AND t.ts < r.bucket + interval '${width}') AS raw
           FROM ${table} r WHERE r.device_id = ANY($1) AND r.metric = 'pm25'`,
        [ids],
      );
      expect(off.rows.length).toBeGreaterThan(0);
      expect(off.rows.filter((r: { rollup: number; raw: number }) => r.rollup !== r.raw)).toEqual([]);
      const total = off.rows.reduce((sum: number, r: { rollup: number }) => sum + r.rollup, 0);
      expect(total).toBe(acked.size);
    }
  }, 240_000);

  it('a process without MQTT_CLIENT_ID takes a client id that is the same at every start', async () => {
    const { MQTT_CLIENT_ID: _stable, ...env } = node('a').env;
    const expected = `civitas-${os.hostname()}-ingest-${tag}`;
    for (let start = 0; start < 2; start++) {
      const worker = await startWorker({ ...env, INSTANCE: tag, LOG_LEVEL: 'info' }, 'ingest');
      try {
        // The log is written asynchronously: wait for all eight connections' lines.
        const ids = await until(
          'a log line per connection',
          async () => [...worker.output().matchAll(/"clientId":"([^"]+)","sessionPresent":(true|false)/g)],
          (found) => found.length >= 8,
        );
        expect(ids.map((m) => m[1]).sort()).toEqual(
          [expected, ...Array.from({ length: 7 }, (_, i) => `${expected}-${i + 2}`)].sort(),
        );
        // The second start finds the sessions of the first.
        expect(ids.every((m) => m[2] === String(start === 1))).toBe(true);
      } finally {
        await worker.stop();
      }
    }
  });
});

describe('docs/deployment.md', () => {
  it('gives the HAProxy configuration this test runs', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/deployment.md'), 'utf8');
    const block = /```haproxy\n([\s\S]*?)```/.exec(doc)?.[1];
    const servers = names.map((name, i) => ({ name, port: 8081 + i }));
    expect(block).toBe(haproxyConfig(8080, servers));
  });
});
