#!/usr/bin/env node
// `npm run bench:ingest`: MQTT ingestion throughput, publish-to-visible latency and server memory,
// for Civitas with its embedded broker (PGlite and PostgreSQL) and behind Mosquitto (MQTT_URL),
// next to the raw Mosquitto peer (publishers → Mosquitto → one subscriber). Everything runs on
// 127.0.0.1; every process, database, broker session and client started here is stopped, dropped
// or ended at the end, also on failure. Prints a Markdown table and updates docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import pg from 'pg';
import { copyPeer, measureFdatasync } from './ingest-peers.mjs';
import { fmt, ms, writeMarkedSection } from './report.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.join(root, 'apps/server/dist');
const docsFile = path.join(root, 'docs/benchmarks.md');

// ---------------------------------------------------------------------------------------------
// The peer's subscriber runs in its own process, as the Civitas server does: it subscribes with
// QoS 1, counts messages and data points, and reports to the parent over IPC.
if (process.argv[2] === '--peer-subscriber') {
  const [, , , url, filter] = process.argv;
  const counts = { messages: 0, points: 0 };
  const client = mqtt.connect(url, {
    clientId: `bench-peer-sub-${process.pid}`,
    clean: true,
    protocolVersion: 5,
  });
  client.on('message', (_topic, payload) => {
    const msg = JSON.parse(payload.toString());
    if (msg.probe !== undefined) return void process.send({ probe: msg.probe });
    counts.messages++;
    counts.points += Object.keys(msg.values).length;
  });
  client.on('connect', () =>
    client.subscribe(filter, { qos: 1 }, (err) =>
      process.send(err ? { error: err.message } : { ready: true }),
    ),
  );
  const timer = setInterval(() => process.send({ ...counts }), 100);
  const stop = () => {
    clearInterval(timer);
    client.end(true, () => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
} else {
  await bench();
}

async function bench() {
  const { values: opt } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      probe: { type: 'string', default: '15' },
      clients: { type: 'string', default: '100' },
      window: { type: 'string', default: '8' },
      backlog: { type: 'string', default: '800' },
      only: { type: 'string' },
      soak: { type: 'boolean', default: false },
      'soak-seconds': { type: 'string', default: '300' },
      'no-docs': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'subscriber-connections': { type: 'string', default: '32' },
      'subscriber-inflight': { type: 'string', default: '20' },
      'write-lanes': { type: 'string' },
      'cluster-processes': { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
    },
  });
  if (opt.help) {
    console.log(
      'usage: npm run bench:ingest -- [--duration 20] [--warmup 5] [--probe 15] [--clients 100] [--window 8]\n' +
        '         [--backlog 800] [--only peer,copy,pglite,postgres,mosquitto,cluster] [--soak [--soak-seconds 300]]\n' +
        '         [--subscriber-connections 32] [--subscriber-inflight 20] [--write-lanes N] [--cluster-processes 3] [--no-docs] [--cpu-prof]',
    );
    return;
  }
  const num = (name, min, max) => {
    const n = Number(opt[name]);
    if (!Number.isFinite(n) || n < min || n > max) {
      console.error(`--${name} must be a number from ${min} to ${max}`);
      process.exit(2);
    }
    return n;
  };
  const DURATION = num('duration', 1, 3600);
  const WARMUP = num('warmup', 0, 600);
  const PROBE = num('probe', 0, 600);
  const CLIENTS = num('clients', 1, 2000);
  const WINDOW = num('window', 1, 1000);
  const BACKLOG = num('backlog', 10, 100_000);
  const SOAK_SECONDS = num('soak-seconds', 30, 3600);
  const SUBSCRIBER_CONNECTIONS = num('subscriber-connections', 1, 64);
  const SUBSCRIBER_INFLIGHT = num('subscriber-inflight', 1, 1000);
  // Unset: the server's default (half of DATABASE_POOL_SIZE, at most 4; ADR 0028).
  const WRITE_LANES = opt['write-lanes'] === undefined ? null : num('write-lanes', 1, 32);
  const CLUSTER = num('cluster-processes', 2, 8);
  const SCENARIOS = ['peer', 'copy', 'pglite', 'postgres', 'mosquitto', 'cluster'];
  const ONLY = new Set((opt.only ?? SCENARIOS.join(',')).split(','));
  for (const k of ONLY)
    if (!SCENARIOS.includes(k)) {
      console.error(`--only: unknown scenario ${k} (one of ${SCENARIOS.join(', ')})`);
      process.exit(2);
    }
  const writeDocs = !opt['no-docs'] && !opt['cpu-prof'] && ONLY.size === SCENARIOS.length;

  const MOSQUITTO = process.env.BENCH_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';
  const adminUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  for (const u of [adminUrl, new URL(MOSQUITTO)])
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
      console.error(`benchmarks target this machine only (127.0.0.1), not ${u.hostname}`);
      process.exit(2);
    }
  const DEMO_PASSWORD = 'civitas-bench-2026';
  // An air-quality station reports all eight of its metrics in each message.
  const METRICS = ['pm25', 'pm10', 'no2', 'o3', 'co', 'so2', 'temperature', 'relativeHumidity'];
  const POINTS = METRICS.length;
  // Issue 9 §6: absolute floors, and shares of the Mosquitto peer measured in the same run.
  const TARGETS = {
    postgres: { min: 20_000, peerShare: 0.8 },
    pglite: { min: 10_000 },
    mosquitto: { min: 20_000, peerShare: 0.35 },
    p99: 500,
  };
  const RATE_LIMIT = 1000;

  const log = (line) => process.stdout.write(`${line}\n`);
  const sleep = (msec) => new Promise((r) => setTimeout(r, msec));
  const runId = randomBytes(3).toString('hex');
  // Server CPU profiles (--cpu-prof) are kept after the run, one folder per scenario.
  const profDir = path.join(os.tmpdir(), `civitas-bench-ingest-prof-${runId}`);

  // -------------------------------------------------------------------------------------------
  // Cleanup: everything started here is registered and undone in reverse order, once.
  const undo = [];
  let cleaning = null;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const step of undo.splice(0).reverse()) {
        try {
          await step();
        } catch (e) {
          console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    })();
    return cleaning;
  };
  /** Runs `fn` with its own undo scope, so a scenario's processes stop before the next starts. */
  const scoped = async (fn) => {
    const mark = undo.length;
    try {
      return await fn();
    } finally {
      for (const step of undo.splice(mark).reverse()) {
        try {
          await step();
        } catch (e) {
          console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping and cleaning up…`);
      void cleanup().then(() => process.exit(130));
    });
  }

  function stopChild(child, graceMs = 15_000) {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Starts a node child and resolves `ready` with the first stdout match of `pattern`. */
  function startChild(name, args, env, pattern, timeoutMs) {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const proc = { child, stopping: false, stop: () => ((proc.stopping = true), stopChild(child)) };
    undo.push(() => proc.stop());
    const tail = [];
    let out = '';
    const keep = (chunk) => {
      tail.push(...chunk.toString().split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 40));
    };
    child.stderr.on('data', keep);
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      out += chunk.toString();
    });
    const ready = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${tail.join('\n')}`)),
        timeoutMs,
      );
      const check = () => {
        const m = pattern.exec(out);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail.join('\n')}`));
      });
    });
    child.on('exit', (code, signal) => {
      if (!cleaning && !proc.stopping)
        console.error(`${name} exited unexpectedly (${code ?? signal}):\n${tail.join('\n')}`);
    });
    return Object.assign(proc, { ready, tail, output: () => out });
  }

  const freePort = () =>
    new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    });

  // -------------------------------------------------------------------------------------------
  // /proc: memory and CPU of the server and of its PostgreSQL backends.
  const CLK_TCK = 100;
  const ticksOf = (pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]);
    } catch {
      return 0;
    }
  };
  const backendsOf = (dbName) => {
    if (!dbName) return [];
    const pids = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (title.startsWith('postgres: ') && title.includes(` ${dbName} `)) pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  };
  // `pid` is one server process or a list of them (the cluster scenario).
  const cpuSnapshot = (pid, dbName) => ({
    at: performance.now(),
    app: [pid].flat().reduce((n, p) => n + ticksOf(p), 0),
    db: new Map(backendsOf(dbName).map((p) => [p, ticksOf(p)])),
    self: process.cpuUsage(),
  });
  const cpuSince = (b, pid, dbName) => {
    const now = cpuSnapshot(pid, dbName);
    let db = 0;
    for (const [p, t] of now.db) db += t - (b.db.get(p) ?? 0);
    const self = process.cpuUsage(b.self);
    const wall = (now.at - b.at) / 1000;
    // As a share of one core.
    return {
      app: ((now.app - b.app) / CLK_TCK / wall) * 100,
      db: dbName ? (db / CLK_TCK / wall) * 100 : null,
      bench: ((self.user + self.system) / 1e6 / wall) * 100,
    };
  };
  const procStatus = (pid) => {
    try {
      const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key) => Number(new RegExp(`^${key}:\\s*(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
      return { hwmMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
    } catch {
      return { hwmMiB: NaN, rssMiB: NaN };
    }
  };
  const percentile = (sorted, p) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

  // -------------------------------------------------------------------------------------------
  // Publishers: one mqtt.js client per device, each with at most `window` unacknowledged QoS 1
  // messages. In "max" mode a client publishes again as soon as an acknowledgement frees a slot
  // (closed loop: the receiver's PUBACK pacing decides the rate); in "paced" mode a shared token
  // bucket releases `rate` messages per second. `allow()` can hold publishing back (the backlog
  // limit for brokers that acknowledge before the consumer has the message).

  const values = Array.from({ length: 64 }, (_, i) =>
    METRICS.map((m, j) => `"${m}":${(10 + ((i * 7 + j * 13) % 50) + j * 0.1).toFixed(1)}`).join(','),
  );

  // Client ids are per role: a probe reusing a publisher's id would take its connection over (or,
  // on the embedded broker, which binds ids to credentials, be refused: ADR 0018).
  async function connectPublishers(url, devices, role = 'pub') {
    const clients = await Promise.all(
      devices.map(
        (d, i) =>
          new Promise((resolve, reject) => {
            const c = mqtt.connect(url, {
              clientId: `bench-${role}-${runId}-${i}`,
              clean: true,
              protocolVersion: 4,
              reconnectPeriod: 0,
              connectTimeout: 30_000,
              ...(d.username ? { username: d.username, password: '' } : {}),
            });
            c.once('connect', () => resolve({ client: c, topic: d.topic, inflight: 0, lastTs: 0, n: i }));
            c.once('error', reject);
          }),
      ),
    );
    undo.push(() => Promise.all(clients.map((c) => c.client.endAsync(true).catch(() => undefined))));
    return clients;
  }

  function publisherLoop(clients, { mode, rate = 0, allow = () => true, total = { published: 0 } }) {
    const stats = { published: 0, acked: 0, errors: 0 };
    let running = true;
    let tokens = 0;
    let cursor = 0;
    const pump = (c) => {
      while (running && c.inflight < WINDOW && allow() && (mode === 'max' || tokens >= 1)) {
        if (mode === 'paced') tokens--;
        const ts = Math.max(Date.now(), c.lastTs + 1);
        c.lastTs = ts;
        c.inflight++;
        stats.published++;
        total.published++;
        c.client.publish(c.topic, `{"ts":${ts},"values":{${values[(c.n + ts) % 64]}}}`, { qos: 1 }, (err) => {
          c.inflight--;
          if (err) stats.errors++;
          else stats.acked++;
          if (mode === 'max') pump(c);
        });
        if (mode === 'paced') return;
      }
    };
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (mode === 'paced') {
        tokens = Math.min(tokens + ((now - last) / 1000) * rate, rate / 10 + 1);
        for (let i = 0; i < clients.length * WINDOW && tokens >= 1; i++) {
          pump(clients[cursor]);
          cursor = (cursor + 1) % clients.length;
          if (clients.every((c) => c.inflight >= WINDOW)) break;
        }
      } else for (const c of clients) pump(c);
      last = now;
    }, 10);
    return {
      stats,
      stop: async () => {
        running = false;
        clearInterval(timer);
        const until = Date.now() + 15_000;
        while (clients.some((c) => c.inflight > 0) && Date.now() < until) await sleep(20);
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // The latency probe: one device publishes a reading with a unique value every 100 ms; one
  // sequential poller reads the latest state and marks every probe whose value it sees (or a
  // later one) as visible at the moment the response arrived.
  // `visible` returns the highest value seen, or (when the receiver reports arrivals itself) a list
  // of [value, arrival time] pairs.
  async function probeLatency({ seconds, publish, visible }) {
    const sent = new Map();
    const lat = [];
    let seq = 0;
    let done = false;
    const timer = setInterval(() => {
      seq++;
      sent.set(seq, performance.now());
      publish(seq);
    }, 100);
    const poller = (async () => {
      while (!done) {
        const v = await visible();
        const now = performance.now();
        if (Array.isArray(v)) {
          for (const [s, arrived] of v)
            if (sent.has(s)) {
              lat.push(arrived - sent.get(s));
              sent.delete(s);
            }
          await sleep(5);
          continue;
        }
        for (const [s, at] of sent)
          if (s <= v) {
            lat.push(now - at);
            sent.delete(s);
          }
      }
    })();
    await sleep(seconds * 1000);
    clearInterval(timer);
    const until = performance.now() + 10_000;
    while (sent.size > 0 && performance.now() < until) await sleep(20);
    done = true;
    await poller;
    lat.sort((a, b) => a - b);
    return {
      n: lat.length,
      lost: sent.size,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      max: lat.at(-1),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Civitas: server, API session, devices.
  const { CivitasApi, pointInside } = await import(
    pathToFileURL(path.join(dist, 'simulator/provision.js')).href
  );
  const { Prng } = await import(pathToFileURL(path.join(dist, 'simulator/prng.js')).href);

  async function startServer(name, extraEnv, dataDir) {
    const mqttPort = await freePort();
    const env = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'true',
      DEMO_SIMULATOR: 'false',
      DEMO_PASSWORD,
      LOG_LEVEL: 'warn',
      MQTT_PORT: String(mqttPort),
      DATA_DIR: dataDir,
      DEVICE_RATE_LIMIT: String(RATE_LIMIT),
      ...extraEnv,
    };
    const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profDir, name)}`] : [];
    const t = performance.now();
    const server = startChild(
      name,
      [...nodeArgs, path.join(dist, 'main.js')],
      env,
      /Civitas is running at (http:\/\/\S+)/,
      240_000,
    );
    const baseUrl = new URL((await server.ready)[1]);
    const moved = /embedded MQTT broker listens on (\d+) instead/.exec(server.output());
    for (let i = 0; ; i++) {
      const res = await fetch(new URL('readyz', baseUrl)).catch(() => null);
      if (res?.status === 200) break;
      if (i > 300) throw new Error('/readyz did not return 200');
      await sleep(100);
    }
    log(
      `  ${name}: ready at ${baseUrl} (pid ${server.child.pid}) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    return { server, baseUrl, pid: server.child.pid, mqttPort: moved ? Number(moved[1]) : mqttPort };
  }

  async function provision(baseUrl, count) {
    const api = new CivitasApi(baseUrl.toString());
    await api.login('demo-admin', DEMO_PASSWORD);
    const grids = (await api.get('/api/v1/org-units?type=grid&limit=500')).items.filter((u) => u.boundary);
    const rng = new Prng(7);
    const devices = [];
    const codes = [
      ...Array.from({ length: count }, (_, i) => `BENCH-${String(i + 1).padStart(4, '0')}`),
      'BENCH-PROBE',
    ];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < codes.length) {
          const code = codes[next++];
          const grid = grids[rng.int(0, grids.length - 1)];
          const d = await api.request('POST', '/api/v1/devices', {
            code,
            name: `Benchmark air station ${code}`,
            profile: 'air-quality',
            location: { type: 'Point', coordinates: pointInside(grid.boundary, rng) },
            orgUnitId: grid.id,
          });
          devices.push({ id: d.id, code, token: d.token });
        }
      }),
    );
    devices.sort((a, b) => a.code.localeCompare(b.code));
    return {
      api,
      devices: devices.filter((d) => d.code !== 'BENCH-PROBE'),
      probe: devices.find((d) => d.code === 'BENCH-PROBE'),
    };
  }

  /** Sum of readings_count of the bench devices, from the API (works on PGlite and PostgreSQL). */
  async function readingsViaApi(api) {
    const list = await api.get('/api/v1/devices?q=BENCH-&limit=1000');
    return list.items.reduce((n, d) => n + d.readingsCount, 0);
  }

  async function freshDatabase(admin, label) {
    const dbName = `civitas_bench_ingest_${label}_${Date.now()}_${process.pid}`;
    await admin.query(`create database ${dbName}`);
    undo.push(() => admin.query(`drop database if exists ${dbName} with (force)`));
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    undo.push(() => client.end());
    return { dbName, url: url.toString(), client };
  }

  /**
   * One Civitas scenario: start the server, register the devices, run the publishers at their
   * maximum for warm-up + duration counting durably stored rows, then at half that rate with the
   * latency probe; then read the server's peak memory.
   */
  async function civitas({ key, title, storage, external, processes = 1 }) {
    return scoped(async () => {
      log(`\n${title}`);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-bench-ingest-'));
      undo.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      let db = null;
      const env = {};
      if (storage === 'postgres') {
        db = await freshDatabase(admin, key);
        Object.assign(env, { DATABASE_URL: db.url, SECRET_KEY: randomBytes(32).toString('hex') });
      }
      if (WRITE_LANES !== null) env.TELEMETRY_WRITE_LANES = String(WRITE_LANES);
      const clientIdOf = (p) => `civitas-bench-${runId}-${key}${p === 0 ? '' : `-p${p + 1}`}`;
      const externalEnv = (p) => ({
        MQTT_URL: MOSQUITTO,
        MQTT_CLIENT_ID: clientIdOf(p),
        MQTT_SUBSCRIBER_CONNECTIONS: String(SUBSCRIBER_CONNECTIONS),
        MQTT_SUBSCRIBER_INFLIGHT: String(SUBSCRIBER_INFLIGHT),
      });
      if (external) {
        Object.assign(env, externalEnv(0));
        // The servers' sessions are persistent (one hour): remove them at Mosquitto afterwards.
        // The first connection uses the client id as given, the others append -2, -3, …
        undo.push(() =>
          Promise.all(
            Array.from({ length: processes }, (_, p) =>
              Array.from({ length: SUBSCRIBER_CONNECTIONS }, (_, i) =>
                forgetSession(i === 0 ? clientIdOf(p) : `${clientIdOf(p)}-${i + 1}`),
              ),
            ).flat(),
          ),
        );
      }
      const srv = await startServer(key, env, dataDir);
      const { api, devices, probe } = await provision(srv.baseUrl, CLIENTS);
      log(`  registered ${devices.length} + 1 probe air-quality devices (${POINTS} metrics each)`);
      // The cluster: more processes on the same database, role ingest only, each in the same
      // shared-subscription group at Mosquitto, so the broker splits the stream between them.
      const pids = [srv.pid];
      for (let p = 1; p < processes; p++) {
        const worker = startChild(
          `${key}-${p + 1}`,
          [path.join(dist, 'main.js')],
          {
            ...process.env,
            HOST: '127.0.0.1',
            DEMO: 'false',
            LOG_LEVEL: 'warn',
            ROLE: 'ingest',
            DATA_DIR: dataDir,
            DEVICE_RATE_LIMIT: String(RATE_LIMIT),
            ...env,
            ...externalEnv(p),
          },
          /Civitas is running \(ingest\)/,
          240_000,
        );
        await worker.ready;
        pids.push(worker.child.pid);
        log(`  ${key}-${p + 1}: ingest-only process ready (pid ${worker.child.pid})`);
      }
      const brokerUrl = external ? MOSQUITTO : `mqtt://127.0.0.1:${srv.mqttPort}`;
      const topicOf = (d) => (external ? `v1/devices/${d.token}/telemetry` : 'v1/devices/me/telemetry');
      const clients = await connectPublishers(
        brokerUrl,
        devices.map((d) => ({ topic: topicOf(d), username: external ? undefined : d.token })),
      );
      const [probeClient] = await connectPublishers(
        brokerUrl,
        [{ topic: topicOf(probe), username: external ? undefined : probe.token }],
        'probe',
      );

      const stored = db
        ? async () => Number((await db.client.query('select count(*)::bigint as n from telemetry')).rows[0].n)
        : () => readingsViaApi(api);
      // Behind Mosquitto, publishers are acknowledged by the broker at once: hold them back
      // when more than `backlog` messages are published but not yet stored, or Mosquitto's
      // per-client queue (max_queued_messages, 1000) overflows and drops messages.
      let storedMsgs = 0;
      const total = { published: 0 };
      if (external) {
        const sumSql = `select coalesce(sum(readings_count),0)::bigint as n from devices where code like 'BENCH-0%'`;
        let on = true;
        const poller = (async () => {
          while (on) {
            storedMsgs = Number((await db.client.query(sumSql)).rows[0].n) / POINTS;
            await sleep(50);
          }
        })();
        undo.push(async () => {
          on = false;
          await poller;
        });
      }
      const backlog = BACKLOG * processes;
      const allow = external ? () => total.published - storedMsgs < backlog : () => true;
      const loop = publisherLoop(clients, { mode: 'max', allow, total });
      await sleep(WARMUP * 1000);
      const waits = db ? sampleWaits(db) : null;
      const before = {
        rows: await stored(),
        at: performance.now(),
        cpu: cpuSnapshot(pids, db?.dbName),
        pub: loop.stats.published,
        tx: await transactions(db),
      };
      await sleep(DURATION * 1000);
      const after = {
        rows: await stored(),
        at: performance.now(),
        pub: loop.stats.published,
        tx: await transactions(db),
      };
      const cpu = cpuSince(before.cpu, pids, db?.dbName);
      const load = os.loadavg()[0];
      const waited = waits ? await waits.stop() : null;
      await loop.stop();
      const seconds = (after.at - before.at) / 1000;
      const pointsPerSecond = (after.rows - before.rows) / seconds;
      const publishedPerSecond = ((after.pub - before.pub) * POINTS) / seconds;
      log(
        `  max: ${fmt(pointsPerSecond)} data points/s stored (${fmt(pointsPerSecond / POINTS)} msg/s; ` +
          `published ${fmt(publishedPerSecond)} points/s), CPU: server ${fmt(cpu.app)} %` +
          (cpu.db === null ? '' : `, PostgreSQL ${fmt(cpu.db)} %`) +
          `, bench ${fmt(cpu.bench)} %, errors ${loop.stats.errors}; load average ${load.toFixed(2)}`,
      );
      if (waited) log(`  PostgreSQL sessions of this database, mean over the window: ${waitText(waited)}`);
      if (db) log(`  commits at max: ${commitText(before, after)}`);
      // Behind Mosquitto, let the backlog drain before measuring latency at half the rate.
      const drainUntil = performance.now() + 120_000;
      while (external && total.published - storedMsgs >= 1 && performance.now() < drainUntil)
        await sleep(100);
      await sleep(1000);

      // Half the maximum rate, with the probe.
      const halfRate = Math.max(1, pointsPerSecond / POINTS / 2);
      const half = publisherLoop(clients, { mode: 'paced', rate: halfRate, allow, total });
      const h0 = { rows: await stored(), at: performance.now(), tx: await transactions(db) };
      await sleep(1000);
      const latest = async () => {
        const r = await api.get(`/api/v1/devices/${probe.id}/latest`);
        const m = r.metrics.find((x) => x.metric === 'no2');
        return typeof m?.value === 'number' ? m.value : 0;
      };
      const lat = await probeLatency({
        seconds: PROBE,
        publish: (seq) =>
          probeClient.client.publish(probeClient.topic, `{"ts":${Date.now()},"values":{"no2":${seq}}}`, {
            qos: 1,
          }),
        visible: latest,
      });
      const h1 = { rows: await stored(), at: performance.now(), tx: await transactions(db) };
      await half.stop();
      if (db) log(`  commits at half rate: ${commitText(h0, h1)}; ${await hotUpdates(db)}`);
      const halfPoints = (h1.rows - h0.rows) / ((h1.at - h0.at) / 1000);
      log(
        `  half rate (${fmt(halfRate)} msg/s offered, ${fmt(halfPoints)} points/s stored): publish → visible ` +
          `p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms, max ${ms(lat.max)} ms (${lat.n} probes, ${lat.lost} not seen)`,
      );
      // Refusals (rate limit, malformed...) would show as device errors: there must be none.
      const list = await api.get('/api/v1/devices?q=BENCH-&limit=1000');
      const refused = list.items.reduce((n, d) => n + d.errorCount, 0);
      // The last refusal's reason of each device that had one, so a count is never a mystery.
      const reasons = {};
      for (const d of list.items)
        if (d.errorCount > 0)
          reasons[d.lastErrorReason ?? 'unknown'] = (reasons[d.lastErrorReason ?? 'unknown'] ?? 0) + 1;
      const mem = { hwmMiB: Math.max(...pids.map((p) => procStatus(p).hwmMiB)) };
      log(
        `  server peak RSS (VmHWM) ${fmt(mem.hwmMiB)} MiB, refused messages ${refused}` +
          (refused
            ? ` (last reason per device: ${JSON.stringify(reasons)}; example: ${list.items.find((d) => d.errorCount > 0)?.lastError})`
            : ''),
      );
      return {
        key,
        title,
        pointsPerSecond,
        publishedPerSecond,
        halfRate: halfRate * POINTS,
        halfPoints,
        lat,
        hwmMiB: mem.hwmMiB,
        cpu,
        load,
        waited,
        refused,
        processes,
        target: TARGETS[key],
      };
    });
  }

  /** Transactions committed in the scenario's database so far (PostgreSQL's statistics). */
  async function transactions(db) {
    if (!db) return null;
    // Statistics reach the shared view at most once a second per session; a fresh snapshot.
    await db.client.query('select pg_stat_clear_snapshot()');
    const r = await db.client.query(
      'select xact_commit::bigint as n from pg_stat_database where datname = $1',
      [db.dbName],
    );
    return Number(r.rows[0].n);
  }

  /** Commits per second and data points per commit between two samples. */
  function commitText(a, b) {
    const seconds = (b.at - a.at) / 1000;
    const commits = b.tx - a.tx;
    return `${fmt(commits / seconds)}/s, ${fmt((b.rows - a.rows) / Math.max(1, commits))} data points per commit`;
  }

  /** Share of the updates of the hot rows that were HOT (no index entry written). */
  async function hotUpdates(db) {
    await db.client.query('select pg_stat_clear_snapshot()');
    const r = await db.client.query(
      `select relname, n_tup_upd::bigint as upd, n_tup_hot_upd::bigint as hot from pg_stat_user_tables
       where relname in ('devices', 'device_state', 'telemetry_1m', 'telemetry_1h') order by relname`,
    );
    return (
      'HOT updates ' +
      r.rows
        .map((x) => `${x.relname} ${fmt((100 * Number(x.hot)) / Math.max(1, Number(x.upd)))} %`)
        .join(', ')
    );
  }

  /**
   * Samples what this database's server sessions are doing every 100 ms until stopped: running,
   * waiting for a row lock held by another transaction, waiting for the WAL flush, or idle inside
   * a transaction (waiting for the server's next statement). Means per sample.
   */
  function sampleWaits(db) {
    const sums = { active: 0, lock: 0, wal: 0, idleInTx: 0, n: 0 };
    let on = true;
    const q = `select count(*) filter (where state = 'active' and wait_event_type is null)::int as active,
        count(*) filter (where wait_event_type = 'Lock')::int as lock,
        count(*) filter (where wait_event in ('WALSync', 'WALWrite', 'WALInsert') or wait_event_type = 'IO')::int as wal,
        count(*) filter (where state = 'idle in transaction')::int as idle_in_tx
      from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`;
    const poller = (async () => {
      while (on) {
        const r = (await db.client.query(q, [db.dbName])).rows[0];
        sums.active += r.active;
        sums.lock += r.lock;
        sums.wal += r.wal;
        sums.idleInTx += r.idle_in_tx;
        sums.n++;
        await sleep(100);
      }
    })();
    return {
      stop: async () => {
        on = false;
        await poller;
        const n = Math.max(1, sums.n);
        return {
          active: sums.active / n,
          lock: sums.lock / n,
          wal: sums.wal / n,
          idleInTx: sums.idleInTx / n,
        };
      },
    };
  }
  const waitText = (w) =>
    `${fmt(w.active, 1)} running, ${fmt(w.lock, 1)} waiting for a row lock, ${fmt(w.wal, 1)} for the WAL flush or I/O, ` +
    `${fmt(w.idleInTx, 1)} idle in a transaction`;

  /** Removes a persistent session at Mosquitto (clean start, session expiry 0). */
  function forgetSession(clientId) {
    return new Promise((resolve) => {
      const c = mqtt.connect(MOSQUITTO, {
        clientId,
        clean: true,
        protocolVersion: 5,
        properties: { sessionExpiryInterval: 0 },
        reconnectPeriod: 0,
      });
      c.once('connect', () => c.end(false, {}, () => resolve()));
      c.once('error', () => resolve());
    });
  }

  // -------------------------------------------------------------------------------------------
  // The peer: mqtt.js publishers → Mosquitto → one mqtt.js subscriber in its own process.
  async function peer() {
    return scoped(async () => {
      log('\nPeer: mqtt.js publishers → Mosquitto → mqtt.js subscriber');
      const prefix = `bench/${runId}`;
      const sub = spawn(
        process.execPath,
        [fileURLToPath(import.meta.url), '--peer-subscriber', MOSQUITTO, `${prefix}/+/telemetry`],
        {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      undo.push(() => stopChild(sub));
      const counts = { messages: 0, points: 0 };
      const probes = new Map();
      await new Promise((resolve, reject) => {
        sub.on('message', (m) => {
          if (m.ready) resolve();
          if (m.error) reject(new Error(m.error));
          if (m.probe !== undefined) probes.set(m.probe, performance.now());
          if (m.messages !== undefined) Object.assign(counts, m);
        });
        sub.once('exit', () => reject(new Error('peer subscriber exited')));
      });
      const clients = await connectPublishers(
        MOSQUITTO,
        Array.from({ length: CLIENTS }, (_, i) => ({ topic: `${prefix}/${i}/telemetry` })),
      );
      const [probeClient] = await connectPublishers(
        MOSQUITTO,
        [{ topic: `${prefix}/probe/telemetry` }],
        'probe',
      );
      const total = { published: 0 };
      const allow = () => total.published - counts.messages < BACKLOG;
      const loop = publisherLoop(clients, { mode: 'max', allow, total });
      await sleep(WARMUP * 1000);
      const before = { points: counts.points, at: performance.now(), pub: loop.stats.published };
      await sleep(DURATION * 1000);
      const after = { points: counts.points, at: performance.now(), pub: loop.stats.published };
      await loop.stop();
      const seconds = (after.at - before.at) / 1000;
      const pointsPerSecond = (after.points - before.points) / seconds;
      const load = os.loadavg()[0];
      log(
        `  max: ${fmt(pointsPerSecond)} data points/s delivered (${fmt(pointsPerSecond / POINTS)} msg/s); load average ${load.toFixed(2)}`,
      );
      await sleep(1000);
      const halfRate = pointsPerSecond / POINTS / 2;
      const half = publisherLoop(clients, { mode: 'paced', rate: halfRate, allow, total });
      const visible = async () => {
        const seen = [...probes];
        probes.clear();
        return seen;
      };
      const lat = await probeLatency({
        seconds: PROBE,
        publish: (seq) =>
          probeClient.client.publish(
            probeClient.topic,
            `{"ts":${Date.now()},"probe":${seq},"values":{"no2":${seq}}}`,
            { qos: 1 },
          ),
        visible,
      });
      await half.stop();
      log(`  half rate: publish → delivered p50 ${ms(lat.p50)} ms, p99 ${ms(lat.p99)} ms (${lat.n} probes)`);
      return {
        key: 'peer',
        title: 'Peer: Mosquitto, mqtt.js publishers → 1 subscriber',
        pointsPerSecond,
        load,
        lat,
        halfRate: halfRate * POINTS,
      };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Soak: five minutes at the maximum rate on PostgreSQL, RSS every 10 s.
  async function soak() {
    return scoped(async () => {
      log(`\nSoak: ${SOAK_SECONDS} s at the maximum rate, embedded broker, PostgreSQL`);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-bench-soak-'));
      undo.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const db = await freshDatabase(admin, 'soak');
      const srv = await startServer(
        'soak',
        { DATABASE_URL: db.url, SECRET_KEY: randomBytes(32).toString('hex') },
        dataDir,
      );
      const { devices } = await provision(srv.baseUrl, CLIENTS);
      const clients = await connectPublishers(
        `mqtt://127.0.0.1:${srv.mqttPort}`,
        devices.map((d) => ({ topic: 'v1/devices/me/telemetry', username: d.token })),
      );
      const count = async () =>
        Number((await db.client.query('select count(*)::bigint as n from telemetry')).rows[0].n);
      const loop = publisherLoop(clients, { mode: 'max' });
      const samples = [];
      const r0 = await count();
      const t0 = performance.now();
      for (let s = 0; s <= SOAK_SECONDS; s += 10) {
        if (s > 0) await sleep(10_000);
        const m = procStatus(srv.pid);
        samples.push({ s, rssMiB: m.rssMiB });
        log(
          `  ${String(s).padStart(4)} s  RSS ${fmt(m.rssMiB)} MiB  published ${fmt(loop.stats.published)} msgs`,
        );
      }
      const r1 = await count();
      const pointsPerSecond = (r1 - r0) / ((performance.now() - t0) / 1000);
      await loop.stop();
      const mem = procStatus(srv.pid);
      const rss = samples.map((x) => x.rssMiB);
      // First vs last minute, to smooth out GC sawtooth.
      const first = rss.slice(1, 7);
      const last = rss.slice(-6);
      const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return {
        pointsPerSecond,
        samples,
        firstMiB: rss[0],
        lastMiB: rss.at(-1),
        firstMinuteMiB: avg(first),
        lastMinuteMiB: avg(last),
        minMiB: Math.min(...rss),
        maxMiB: Math.max(...rss),
        hwmMiB: mem.hwmMiB,
      };
    });
  }

  // -------------------------------------------------------------------------------------------
  // The COPY peer: the same rows straight into PostgreSQL, as many connections as writer lanes.
  async function copyScenario() {
    return scoped(async () => {
      const connections = WRITE_LANES ?? 4;
      log(`\nPeer: PostgreSQL COPY, ${connections} connections, batches of 5,000 rows, one commit each`);
      const db = await freshDatabase(admin, 'copy');
      let before = null;
      let cpu = null;
      const r = await copyPeer({
        onMeasure: {
          start: () => (before = cpuSnapshot([], db.dbName)),
          end: () => (cpu = cpuSince(before, [], db.dbName)),
        },
        connect: async () => {
          const c = new pg.Client({ connectionString: db.url });
          await c.connect();
          return c;
        },
        seconds: DURATION,
        warmup: Math.min(WARMUP, 3),
        connections,
        rowsPerCopy: 5000,
        metrics: METRICS,
        devices: CLIENTS,
      });
      const load = os.loadavg()[0];
      log(
        `  ${fmt(r.rowsPerSecond)} rows/s committed (${fmt(r.total)} rows in all), PostgreSQL ${fmt(cpu.db)} % of a core, ` +
          `bench ${fmt(cpu.bench)} %; load average ${load.toFixed(2)}`,
      );
      return {
        key: 'copy',
        title: `Peer: PostgreSQL \`COPY\` of the same rows, ${connections} connections`,
        pointsPerSecond: r.rowsPerSecond,
        cpu,
        load,
        lat: { p50: NaN, p99: NaN },
      };
    });
  }

  // -------------------------------------------------------------------------------------------
  if (!fs.existsSync(path.join(dist, 'simulator/provision.js')))
    throw new Error('apps/server/dist is missing or stale: run `npm run build` first');
  const host = machine();
  const started = new Date();
  const load0 = os.loadavg()[0];
  log(`bench:ingest on ${host.cores} × ${host.model}, ${host.memGiB} GiB, Node ${host.node}`);
  log(
    `  ${CLIENTS} publishers × window ${WINDOW}, ${POINTS} data points per message, ` +
      `${WARMUP} s warm-up + ${DURATION} s at max rate, ${PROBE} s latency probe at half rate`,
  );
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  undo.push(() => admin.end());
  const pgVersion = (await admin.query('select version()')).rows[0].version.replace(/ on .*$/, '');
  const mosquittoVersion = await mosquittoVersionOf();
  const results = [];
  let soakResult = null;
  let fsyncResult = null;
  try {
    fsyncResult = await measureFdatasync(admin);
    log(
      `\nfdatasync: ${fmt(fsyncResult.rate)} per second (8 KiB write + fdatasync, in ${fsyncResult.where}); ` +
        `PostgreSQL wal_sync_method ${fsyncResult.walSync}`,
    );
    if (ONLY.has('peer')) results.push(await peer());
    if (ONLY.has('copy')) results.push(await copyScenario());
    if (ONLY.has('pglite'))
      results.push(
        await civitas({ key: 'pglite', title: 'Civitas, embedded broker, PGlite', storage: 'pglite' }),
      );
    if (ONLY.has('postgres'))
      results.push(
        await civitas({
          key: 'postgres',
          title: 'Civitas, embedded broker, PostgreSQL',
          storage: 'postgres',
        }),
      );
    if (ONLY.has('mosquitto'))
      results.push(
        await civitas({
          key: 'mosquitto',
          title: 'Civitas behind Mosquitto (MQTT_URL), PostgreSQL',
          storage: 'postgres',
          external: true,
        }),
      );
    if (ONLY.has('cluster'))
      results.push(
        await civitas({
          key: 'cluster',
          title: `Civitas behind Mosquitto, ${CLUSTER} processes, PostgreSQL`,
          storage: 'postgres',
          external: true,
          processes: CLUSTER,
        }),
      );
    if (opt.soak) soakResult = await soak();
  } finally {
    await cleanup();
  }
  const load1 = os.loadavg()[0];

  // -------------------------------------------------------------------------------------------
  // Report.
  const peerResult = results.find((r) => r.key === 'peer');
  const copyResult = results.find((r) => r.key === 'copy');
  const share = (v, p) => (Number.isFinite(v) && p ? `${fmt((100 * v) / p, v < p / 100 ? 2 : 1)} %` : '–');
  const isPeer = (r) => r.key === 'peer' || r.key === 'copy';
  /** The target's text and whether this run met it (null: no target, the figure is recorded). */
  const verdict = (r) => {
    const t = r.target;
    if (!t) return { text: isPeer(r) ? '–' : 'recorded', met: null };
    const parts = [`≥ ${fmt(t.min)}`];
    let met = r.pointsPerSecond >= t.min;
    if (t.peerShare) {
      parts.push(`≥ ${fmt(100 * t.peerShare)} % of Mosquitto peer`);
      met &&= peerResult ? r.pointsPerSecond >= t.peerShare * peerResult.pointsPerSecond : false;
    }
    return { text: parts.join(' and '), met };
  };
  const lines = [
    '| Scenario | Data points/s | vs. Mosquitto peer | vs. COPY peer | Target | Met | p50 ms | p99 ms | p99 < 500 ms | Peak RSS MiB | CPU % of a core: server + PostgreSQL | Load (1 min) |',
    '| --- | --: | --: | --: | --- | --- | --: | --: | --- | --: | --: | --: |',
  ];
  for (const r of results) {
    const v = verdict(r);
    const cpuText =
      r.key === 'peer'
        ? '–'
        : r.key === 'copy'
          ? `– + ${fmt(r.cpu.db)}`
          : r.cpu.db === null
            ? fmt(r.cpu.app)
            : `${fmt(r.cpu.app)} + ${fmt(r.cpu.db)}`;
    lines.push(
      `| ${r.title} | ${fmt(r.pointsPerSecond)} | ${r.key === 'peer' ? '100 %' : share(r.pointsPerSecond, peerResult?.pointsPerSecond)} | ` +
        `${r.key === 'copy' ? '100 %' : share(r.pointsPerSecond, copyResult?.pointsPerSecond)} | ${v.text} | ` +
        `${v.met === null ? '–' : v.met ? 'yes' : '**no**'} | ${r.key === 'copy' ? '–' : ms(r.lat.p50)} | ` +
        `${r.key === 'copy' ? '–' : ms(r.lat.p99)} | ${isPeer(r) ? '–' : r.lat.p99 < TARGETS.p99 ? 'yes' : '**no**'} | ` +
        `${isPeer(r) ? '–' : fmt(r.hwmMiB)} | ${cpuText} | ${r.load.toFixed(2)} |`,
    );
  }
  const when = `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const args = process.argv.slice(2).join(' ');
  const body = [
    '## MQTT ingestion (`npm run bench:ingest`)',
    '',
    '`npm run build && npm run bench:ingest` (options: `--duration 20 --warmup 5 --probe 15 --clients 100',
    '--window 8 --backlog 800 --subscriber-connections 32 --subscriber-inflight 20 --write-lanes N',
    '--cluster-processes 3`,',
    '`--only peer,copy,pglite,postgres,mosquitto,cluster`, `--soak [--soak-seconds 300]`, `--no-docs`,',
    '`--cpu-prof` (keeps server CPU profiles in the temp folder, implies `--no-docs`)). It needs',
    'Mosquitto on 127.0.0.1:1883 with anonymous access (`BENCH_MOSQUITTO_URL`) and PostgreSQL on',
    '127.0.0.1 (`BENCH_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`, where it creates',
    'and drops one fresh database per PostgreSQL scenario). Only a run of all six scenarios updates this section.',
    '',
    `Run of ${when}, command \`npm run bench:ingest${args ? ` -- ${args}` : ''}\`: per scenario ${WARMUP} s warm-up, ` +
      `${DURATION} s at the maximum rate, then ${PROBE} s at half that rate with the latency probe.`,
    '',
    `- Machine: ${host.cores} cores (\`nproc\`), ${host.model}, ${host.memGiB} GiB RAM, ${host.kernel}. Server,`,
    '  PostgreSQL, Mosquitto and the benchmark (publishers, subscriber, probe) share these cores;',
    `  1-minute load average ${load0.toFixed(2)} when measuring began, ${load1.toFixed(2)} at the end, and at the`,
    '  end of each maximum-rate window in the table (other sessions may share the machine).',
    `- Disk: ${fmt(fsyncResult?.rate)} fdatasync per second (8 KiB write at offset 0 + \`fdatasync\`, in a loop for`,
    `  3 s, in ${fsyncResult?.where ?? '–'}); PostgreSQL's \`wal_sync_method\` ${fsyncResult?.walSync ?? '–'}. A commit`,
    '  costs at least one such flush; PostgreSQL shares one flush between commits that arrive together.',
    `- Node ${host.node}; ${pgVersion} on 127.0.0.1, stock configuration; ${mosquittoVersion} on 127.0.0.1:1883`,
    '  (system service, stock settings: `max_inflight_messages` 20, `max_queued_messages` 1000).',
    `- Load: ${CLIENTS} mqtt.js publishers, one per registered air-quality station, each message ThingsBoard`,
    `  telemetry \`{"ts":…,"values":{…}}\` with the station's ${POINTS} metrics (${POINTS} data points), QoS 1, at most`,
    `  ${WINDOW} unacknowledged messages per publisher. Behind Mosquitto, which acknowledges at once, and for the`,
    `  peer, publishers also pause while more than ${BACKLOG} messages (× processes in the cluster) are published`,
    '  but not yet consumed.',
    "- COPY peer: the same rows (eight metrics per message of each station, the `telemetry` table's columns and",
    '  primary key, not partitioned) streamed with `COPY … FROM STDIN` in batches of 5,000 rows, one commit',
    '  each, on as many connections as Civitas has writer lanes; no rollups, state or counters. It is what',
    '  PostgreSQL itself takes on this machine, a ceiling rather than a like-for-like peer.',
    `- Server: \`node apps/server/dist/main.js\`, \`DEMO=true\` (demo district loaded, \`DEMO_SIMULATOR=false\`),`,
    `  \`LOG_LEVEL=warn\`, writer defaults (\`TELEMETRY_BATCH\` 5000, \`TELEMETRY_BUFFER\` 100000), and`,
    `  \`DEVICE_RATE_LIMIT=${RATE_LIMIT}\` (default 50 msg/s per device) so the per-device limiter never refuses`,
    '  a benchmark message; the "refused" counts below confirm none was. Behind Mosquitto the server',
    `  opens ${SUBSCRIBER_CONNECTIONS} subscriber connection${SUBSCRIBER_CONNECTIONS === 1 ? '' : 's'} in the shared group (\`MQTT_SUBSCRIBER_CONNECTIONS\`), each`,
    `  with up to ${SUBSCRIBER_INFLIGHT} messages waiting for their commit (\`MQTT_SUBSCRIBER_INFLIGHT\`, ADR 0032). Writer lanes:`,
    `  ${WRITE_LANES === null ? 'the default (`TELEMETRY_WRITE_LANES` unset: 4 with the default pool of 10; PGlite 1)' : `\`TELEMETRY_WRITE_LANES=${WRITE_LANES}\``}.`,
    `- Cluster: ${CLUSTER} processes on one database, the first with every role (HTTP, the probe's reads, jobs),`,
    `  the others \`ROLE=ingest\`, each with its own \`MQTT_CLIENT_ID\` and ${SUBSCRIBER_CONNECTIONS} connections in the`,
    '  same shared group, so Mosquitto splits the stream between them; CPU and RSS cover all of them.',
    '',
    ...lines,
    '',
    '- Stored data points/s: rows that reached the telemetry table during the measured window, from',
    "  `count(*)` on `telemetry` (PostgreSQL) or the devices' `readingsCount` via the API (PGlite), at",
    '  its start and end. The peer counts the data points its subscriber received.',
    '- p50/p99: publish → visible in `GET /api/v1/devices/:id/latest` (peer: → delivered to the',
    '  subscriber) for one probe reading every 100 ms while the other publishers run at half the',
    '  maximum rate found above; one sequential poller reads the latest state.',
    '- Peak RSS: `VmHWM` of the server process at the end of its scenario. CPU: user + system time',
    '  of the server process and of its PostgreSQL backends during the maximum-rate window.',
    ...results
      .filter((r) => !isPeer(r))
      .map(
        (r) =>
          `- ${r.title}: published ${fmt(r.publishedPerSecond)} points/s at max; half rate offered ` +
          `${fmt(r.halfRate)}, stored ${fmt(r.halfPoints)} points/s; ${r.lat.n} probes, ${r.lat.lost} never seen; ` +
          `refused messages ${r.refused}.` +
          (r.waited ? ` PostgreSQL sessions at max, mean: ${waitText(r.waited)}.` : ''),
      ),
    '',
    soakResult
      ? `Soak (\`--soak\`, ${SOAK_SECONDS} s at the maximum rate, embedded broker, PostgreSQL): ` +
        `${fmt(soakResult.pointsPerSecond)} data points/s stored; RSS first ${fmt(soakResult.firstMiB)} MiB, last ` +
        `${fmt(soakResult.lastMiB)} MiB (mean of the first minute ${fmt(soakResult.firstMinuteMiB)}, of the last ` +
        `${fmt(soakResult.lastMinuteMiB)}; min ${fmt(soakResult.minMiB)}, max ${fmt(soakResult.maxMiB)}, VmHWM ` +
        `${fmt(soakResult.hwmMiB)} MiB). Samples every 10 s: ${soakResult.samples.map((x) => fmt(x.rssMiB)).join(', ')}.`
      : 'Soak: not part of this run (`--soak` adds five minutes at the maximum rate on PostgreSQL).',
  ].join('\n');
  log(`\n${body}\n`);
  if (writeDocs) {
    writeMarkedSection(docsFile, '<!-- bench:ingest:begin -->', '<!-- bench:ingest:end -->', body);
    log(`updated ${path.relative(root, docsFile)}`);
  }
}

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cores: os.availableParallelism(),
    model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

async function mosquittoVersionOf() {
  return new Promise((resolve) => {
    const c = spawn('mosquitto', ['-h'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', () => resolve('Mosquitto'));
    c.on('close', () =>
      resolve(
        /mosquitto version ([\d.]+)/i.exec(out)?.[1]
          ? `Mosquitto ${/mosquitto version ([\d.]+)/i.exec(out)[1]}`
          : 'Mosquitto',
      ),
    );
  });
}
