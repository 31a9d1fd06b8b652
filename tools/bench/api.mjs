#!/usr/bin/env node
// `npm run bench:api`: the real server on a fresh PostgreSQL database holding 100,000 residents,
// measured with autocannon against 127.0.0.1 next to a bare Fastify hello-world. Prints a
// Markdown table and updates docs/benchmarks.md. See the intro of that file for the rules.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { BEGIN, END, fmt, ms, table, writeSection } from './report.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.join(root, 'apps/server/dist');
const docsFile = path.join(root, 'docs/benchmarks.md');

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    residents: { type: 'string', default: '100000' },
    'login-connections': { type: 'string', default: '4' },
    'login-requests': { type: 'string', default: '28' },
    'detail-ids': { type: 'string', default: '2000' },
    'no-docs': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    only: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(
    'usage: npm run bench:api -- [--duration 15] [--connections 20] [--warmup 3] [--residents 100000]\n' +
      '         [--login-connections 4] [--login-requests 28] [--detail-ids 2000]\n' +
      '         [--no-docs] [--keep-db] [--cpu-prof] [--only list-commander,list-community,list-cold,detail,login]',
  );
  process.exit(0);
}
const num = (name, min, max) => {
  const n = Number(opt[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`--${name} must be a number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
};
const DURATION = num('duration', 1, 600);
const CONNECTIONS = num('connections', 1, 1000);
const WARMUP = num('warmup', 0, 60);
const RESIDENTS = num('residents', 0, 1_000_000);
const LOGIN_CONNECTIONS = num('login-connections', 1, 28);
// The server allows 30 logins a minute per IP; two are spent on the sessions of the scenarios.
const LOGIN_REQUESTS = num('login-requests', LOGIN_CONNECTIONS, 28);
const DETAIL_IDS = num('detail-ids', 1000, 100_000);
// A subset of the scenarios (for profiling one of them) never updates the docs.
const ONLY = new Set(opt.only.split(',').filter(Boolean));
const runs = (key) => ONLY.size === 0 || ONLY.has(key);
const writeDocs = !opt['no-docs'] && !opt['cpu-prof'] && ONLY.size === 0;

const DEMO_PASSWORD = 'civitas-bench-2026';
const LIST_TARGET = { rps: 3000, p99: 50 };
const LOGIN_TARGET_MS = 300;

const adminUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) {
  console.error(`BENCH_DATABASE_URL must point at this machine (127.0.0.1), not ${adminUrl.hostname}`);
  process.exit(2);
}

const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (msec) => new Promise((r) => setTimeout(r, msec));

// ---------------------------------------------------------------------------------------------
// Cleanup: everything started here is registered and undone in reverse order, once.
const undo = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (e) {
        console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping and cleaning up…`);
    void cleanup().then(() => process.exit(130));
  });
}

/** Stops a child process: SIGTERM, then SIGKILL after a grace period. Resolves once it exited. */
function stopChild(child, graceMs = 10_000) {
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

/** Starts a child and resolves with the first stdout match of `pattern`, keeping a log tail. */
function startChild(name, args, env, pattern, timeoutMs) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const proc = { child, stopping: false, stop: (ms) => ((proc.stopping = true), stopChild(child, ms)) };
  undo.push(() => proc.stop());
  const tail = [];
  const keep = (chunk) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stderr.on('data', keep);
  const ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${tail.join('\n')}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  child.on('exit', (code, signal) => {
    if (!cleaning && !proc.stopping)
      console.error(`${name} exited unexpectedly (${code ?? signal}):\n${tail.join('\n')}`);
  });
  return Object.assign(proc, { ready, tail });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Exact percentiles from the per-response times autocannon reports (its own are whole ms). */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(scenario) {
  const { title, url, connections = CONNECTIONS, headers = {}, requests, amount, warmup = WARMUP } = scenario;
  const base = { url, connections, headers, requests, timeout: 30 };
  if (warmup > 0 && !amount) {
    const w = await autocannon({ ...base, duration: warmup });
    if (w.non2xx || w.errors) throw new Error(`${title} (warm-up): ${describeFailures(w)}`);
  }
  const times = [];
  const cpuBefore = cpuSnapshot(scenario.cpu);
  const loadGenBefore = process.cpuUsage();
  const t0 = performance.now();
  let lastResponseAt = t0;
  const instance = autocannon(amount ? { ...base, amount } : { ...base, duration: DURATION });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) times.push(responseTime);
    lastResponseAt = performance.now();
  });
  const r = await instance;
  const cpu = cpuSince(cpuBefore, scenario.cpu);
  const loadGen = process.cpuUsage(loadGenBefore);
  times.sort((a, b) => a - b);
  const total = r['2xx'] + r.non2xx;
  const result = {
    ...scenario,
    connections,
    // A fixed number of requests ends between autocannon's one-second ticks: time it to the last response.
    rps: amount ? total / ((lastResponseAt - t0) / 1000) : r.requests.average,
    total,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodeStats: r.statusCodeStats,
    duration: r.duration,
    appCpuMs: cpu.appMs / Math.max(1, total),
    dbCpuMs: scenario.cpu.dbName ? cpu.dbMs / Math.max(1, total) : null,
    // autocannon runs in this process and shares the cores: what it spends per request bounds
    // req/s as much as the server's share does.
    loadGenCpuMs: (loadGen.user + loadGen.system) / 1000 / Math.max(1, total),
  };
  log(
    `  ${title.padEnd(44)} ${fmt(result.rps).padStart(7)} req/s  p50 ${ms(result.p50).padStart(6)} ms` +
      `  p99 ${ms(result.p99).padStart(6)} ms  non-2xx ${r.non2xx}  errors ${r.errors}` +
      `  CPU/req: app ${ms(result.appCpuMs)} ms, PostgreSQL ${result.dbCpuMs === null ? '–' : ms(result.dbCpuMs)} ms,` +
      ` autocannon ${ms(result.loadGenCpuMs)} ms`,
  );
  return result;
}

// CPU time per request, split between the HTTP process and its PostgreSQL backends (found by the
// database name in their process title), from /proc/<pid>/stat utime + stime in clock ticks.
const CLK_TCK = 100; // sysconf(_SC_CLK_TCK); 100 on every mainstream Linux build

function ticksOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function backendsOf(dbName) {
  if (!dbName || !fs.existsSync('/proc')) return [];
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
}

function cpuSnapshot(target) {
  return {
    app: ticksOf(target.pid),
    db: new Map(backendsOf(target.dbName).map((pid) => [pid, ticksOf(pid)])),
  };
}

function cpuSince(before, target) {
  const now = cpuSnapshot(target);
  let db = 0;
  for (const [pid, ticks] of now.db) db += ticks - (before.db.get(pid) ?? 0);
  return { appMs: ((now.app - before.app) * 1000) / CLK_TCK, dbMs: (db * 1000) / CLK_TCK };
}

function describeFailures(r) {
  return `non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, status ${JSON.stringify(r.statusCodeStats)}`;
}

async function login(baseUrl, username) {
  const res = await fetch(new URL('api/v1/auth/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200 || body?.status !== 'ok')
    throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('civitas_session='));
  if (!cookie) throw new Error(`login as ${username} set no civitas_session cookie`);
  return cookie.split(';')[0];
}

async function getJson(url, cookie) {
  const res = await fetch(url, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// Machine description

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

function procStatus(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s*(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { hwmMiB: kb('VmHWM') / 1024, rssMiB: kb('VmRSS') / 1024 };
  } catch {
    return { hwmMiB: NaN, rssMiB: NaN };
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(path.join(dist, 'main.js')))
    throw new Error(
      'apps/server/dist is missing: run `npm run build` (or npx tsc -b apps/server/tsconfig.build.json)',
    );
  const started = Date.now();
  const host = machine();
  log(`bench:api on ${host.cores} × ${host.model}, ${host.memGiB} GiB, Node ${host.node}`);
  log(
    `  ${RESIDENTS.toLocaleString('en-US')} residents, ${DURATION} s per scenario (${WARMUP} s warm-up), ` +
      `${CONNECTIONS} connections`,
  );

  // 1. A fresh database.
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  undo.push(() => admin.end());
  const pgVersion = (await admin.query('show server_version')).rows[0].server_version;
  const dbName = `civitas_bench_${Date.now()}_${process.pid}`;
  await admin.query(`create database ${dbName}`);
  undo.push(async () => {
    if (opt['keep-db']) return log(`kept database ${dbName}`);
    await admin.query(`drop database if exists ${dbName} with (force)`);
  });
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-bench-'));
  undo.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  // 2. The real server, started as a user would, loading the demo district.
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    SECRET_KEY: randomBytes(32).toString('hex'),
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO: 'true',
    DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    MQTT_PORT: '0',
    DATA_DIR: dataDir,
  };
  const profDir = path.join(dataDir, 'cpu-prof');
  const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  let t = performance.now();
  const server = startChild(
    'server',
    [...nodeArgs, path.join(dist, 'main.js')],
    env,
    /Civitas is running at (http:\/\/\S+)/,
    180_000,
  );
  const baseUrl = new URL((await server.ready)[1]);
  for (let i = 0; ; i++) {
    const res = await fetch(new URL('readyz', baseUrl)).catch(() => null);
    if (res?.status === 200) break;
    if (i > 100) throw new Error('/readyz did not return 200');
    await sleep(100);
  }
  const bootSeconds = (performance.now() - t) / 1000;
  log(
    `server ready at ${baseUrl} (pid ${server.child.pid}) in ${bootSeconds.toFixed(1)} s, demo district loaded`,
  );

  // 3. Top the residents up through the built services, with the server's configuration and key.
  const { loadConfig } = await import(pathToFileURL(path.join(dist, 'config.js')).href);
  const { createLogger } = await import(pathToFileURL(path.join(dist, 'platform/logging/logger.js')).href);
  const { openRuntime } = await import(pathToFileURL(path.join(dist, 'runtime.js')).href);
  const { seedResidents } = await import('./seed.mjs');
  const services = await openRuntime(loadConfig(env), createLogger('warn'));
  undo.push(() => services.database.close());
  log(`seeding to ${RESIDENTS.toLocaleString('en-US')} residents…`);
  const seed = await seedResidents(services, RESIDENTS, log);
  log(
    `seeded ${fmt(seed.inserted)} residents in ${fmt(seed.households)} households in ${seed.seconds.toFixed(1)} s ` +
      `(${fmt(seed.inserted / seed.seconds)} residents/s, incl. VACUUM ANALYZE); ${fmt(seed.after)} in total`,
  );

  // 4. Sessions, and what each user can see.
  const loginsAt = Date.now();
  const commander = await login(baseUrl, 'demo-commander');
  const community = await login(baseUrl, 'demo-community-1');
  const listUrl = new URL('api/v1/residents?limit=50', baseUrl).toString();
  // Totals stop at 10,000 (totalExact false); the real numbers come from the database.
  const { sql } = await import('kysely');
  const scopeCount = async (username) =>
    Number(
      (
        await sql`select count(*)::int as n from residents r join org_units u on u.id = r.org_unit_id
          where u.path like (select gu.path from role_grants g join users us on us.id = g.user_id
            join org_units gu on gu.id = g.org_unit_id where us.username = ${username} limit 1) || '%'`.execute(
          services.database.db,
        )
      ).rows[0].n,
    );
  const seenByCommander = await scopeCount('demo-commander');
  const seenByCommunity = await scopeCount('demo-community-1');
  const page = await getJson(listUrl, commander);
  if (
    seenByCommander !== seed.after ||
    page.items.length !== 50 ||
    page.total !== Math.min(seed.after, 10000)
  )
    throw new Error(
      `demo-commander sees ${seenByCommander} residents (page total ${page.total}), expected ${seed.after}`,
    );
  log(`demo-commander sees ${fmt(seenByCommander)} residents, demo-community-1 sees ${fmt(seenByCommunity)}`);
  const ids = (
    await sql`
      select r.id from residents r
      join org_units u on u.id = r.org_unit_id
      where u.path like (
        select gu.path from role_grants g
        join users us on us.id = g.user_id
        join org_units gu on gu.id = g.org_unit_id
        where us.username = 'demo-community-1' limit 1
      ) || '%'
      order by random() limit ${DETAIL_IDS}`.execute(services.database.db)
  ).rows.map((r) => r.id);
  if (ids.length < Math.min(1000, seenByCommunity))
    throw new Error(`only ${ids.length} ids for the detail run`);

  // 5. The peer, in its own process.
  const peer = startChild(
    'peer',
    [path.join(root, 'tools/bench/peer.mjs')],
    process.env,
    /\{"port":(\d+)\}/,
    30_000,
  );
  const peerUrl = `http://127.0.0.1:${(await peer.ready)[1]}/`;

  const loadBefore = os.loadavg()[0];
  log(`\nmeasuring (${DURATION} s each, ${CONNECTIONS} connections):`);
  const results = [];
  results.push(
    await measure({
      key: 'peer',
      title: 'Peer: bare Fastify hello-world `GET /`',
      url: peerUrl,
      cpu: { pid: peer.child.pid },
    }),
  );
  const cpu = { pid: server.child.pid, dbName };
  await peer.stop();

  let coldPage = 0;
  const listTarget = (r) => ({
    text: `≥ ${fmt(LIST_TARGET.rps)} req/s, p99 < ${LIST_TARGET.p99} ms`,
    met: r.rps >= LIST_TARGET.rps && r.p99 < LIST_TARGET.p99,
  });
  for (const s of [
    {
      key: 'list-commander',
      title: `List \`GET /api/v1/residents?limit=50\`, demo-commander (${fmt(seenByCommander)} rows)`,
      url: listUrl,
      headers: { cookie: commander },
      cpu,
    },
    {
      key: 'list-community',
      title: `List \`GET /api/v1/residents?limit=50\`, demo-community-1 (${fmt(seenByCommunity)} rows)`,
      url: listUrl,
      headers: { cookie: community },
      cpu,
    },
    {
      // The requests go round 1,000 pages (limit 41-60 x offset 0-49) in turn, more than the
      // page cache keeps (about 640 such pages), so each one runs the page query: the cost of a
      // list right after a resident was written, or of a page nobody opened before (ADR 0016).
      key: 'list-cold',
      title: `List, a different page each request (no page reuse), demo-commander`,
      url: baseUrl.toString(),
      headers: { cookie: commander },
      cpu,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            coldPage = (coldPage + 1) % 1000;
            const limit = 41 + (coldPage % 20);
            const offset = Math.floor(coldPage / 20);
            return { ...req, path: `/api/v1/residents?limit=${limit}&offset=${offset}` };
          },
        },
      ],
    },
    {
      key: 'detail',
      title: `Detail \`GET /api/v1/residents/:id\`, demo-community-1 (${fmt(ids.length)} ids)`,
      url: baseUrl.toString(),
      headers: { cookie: community },
      cpu,
      requests: [
        {
          method: 'GET',
          setupRequest: (req, context) => {
            context.i = ((context.i ?? Math.floor(Math.random() * ids.length)) + 1) % ids.length;
            return { ...req, path: `/api/v1/residents/${ids[context.i]}` };
          },
        },
      ],
    },
  ]) {
    if (!runs(s.key)) continue;
    const r = await measure(s);
    r.target = listTarget(r);
    results.push(r);
  }

  // Login last, in a fresh rate-limit window (30 a minute per IP; 2 used above).
  if (runs('login')) {
    const wait = loginsAt + 61_000 - Date.now();
    if (wait > 0) {
      log(`  (waiting ${Math.ceil(wait / 1000)} s for a fresh login rate-limit window)`);
      await sleep(wait);
    }
    const loginResult = await measure({
      key: 'login',
      title: `Login \`POST /api/v1/auth/login\`, ${LOGIN_REQUESTS} requests`,
      url: new URL('api/v1/auth/login', baseUrl).toString(),
      connections: LOGIN_CONNECTIONS,
      amount: LOGIN_REQUESTS,
      warmup: 0,
      cpu,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'demo-gridworker-1', password: DEMO_PASSWORD }),
        },
      ],
    });
    loginResult.target = {
      text: `< ${LOGIN_TARGET_MS} ms`,
      met: loginResult.p99 < LOGIN_TARGET_MS,
    };
    results.push(loginResult);
  }

  // argon2id alone, in this process, with the server's parameters: the floor of a login.
  const { argon2Params } = await import(pathToFileURL(path.join(dist, 'modules/identity/password.js')).href);
  const argon2 = await import('@node-rs/argon2');
  const stored = await argon2.hash(DEMO_PASSWORD, argon2Params);
  const argonTimes = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await argon2.verify(stored, DEMO_PASSWORD);
    argonTimes.push(performance.now() - t0);
  }
  argonTimes.sort((a, b) => a - b);
  const argonMedian = percentile(argonTimes, 50);

  const mem = procStatus(server.child.pid);
  const loadAfter = os.loadavg()[0];
  const failed = results.filter((r) => r.non2xx > 0 || r.errors > 0 || r.timeouts > 0);

  // 6. Report.
  const tableMd = table(results);
  const command = [
    'npm run bench:api',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  const when = new Date()
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, ' UTC')
    .replace('T', ' ');
  const body = `
## API (\`npm run bench:api\`)

Run of ${when}, command \`${command}\`: ${DURATION} s per scenario after a ${WARMUP} s warm-up,
${CONNECTIONS} connections (login: ${LOGIN_CONNECTIONS} connections, ${LOGIN_REQUESTS} requests, under the
30-a-minute limit).

- Machine: ${host.cores} cores (\`nproc\`), ${host.model}, ${host.memGiB} GiB RAM, ${host.kernel}.
  The server, PostgreSQL, autocannon and the peer all share these cores; 1-minute load average
  ${loadBefore.toFixed(2)} when measuring began, ${loadAfter.toFixed(2)} at the end (other work on the machine shows here).
- Node ${host.node}; PostgreSQL ${pgVersion} on 127.0.0.1, stock configuration; server defaults
  (\`DATABASE_POOL_SIZE\` 10, \`LOG_LEVEL=warn\`).
- Data: ${fmt(seed.after)} residents (${fmt(seed.before)} from the demo district plus ${fmt(seed.inserted)}
  in ${fmt(seed.households)} new households over its 300 buildings), seeded through the server's services in
  ${seed.seconds.toFixed(1)} s (${fmt(seed.inserted / seed.seconds)} residents/s, sealing and audit included,
  then \`VACUUM ANALYZE\`). Server start with demo load: ${bootSeconds.toFixed(1)} s.

${tableMd}

- p50/p99 are computed from every 2xx response time (sub-millisecond); req/s is autocannon's
  per-second average (for login, requests ÷ time to the last response).
- CPU ms/req: user + system CPU time of the server process (all threads, so argon2 on the libuv
  pool counts) and of the PostgreSQL backends of the bench database, divided by the requests.
- Server peak RSS (\`VmHWM\`) over the whole run: ${fmt(mem.hwmMiB)} MiB.
- Login cost: argon2id m=19456 KiB, t=2, p=1 (\`apps/server/src/modules/identity/password.ts\`); one
  verify alone on this machine: median ${ms(argonMedian)} ms (of 10, in the benchmark process).
`;
  log(`\n${tableMd}\n`);
  log(`server peak RSS (VmHWM): ${fmt(mem.hwmMiB)} MiB; argon2id verify alone: median ${ms(argonMedian)} ms`);
  log(`total run time ${((Date.now() - started) / 1000).toFixed(0)} s`);

  if (opt['cpu-prof']) {
    await server.stop(30_000);
    summarizeProfile(profDir);
  }
  if (failed.length > 0) {
    for (const r of failed) console.error(`FAILED ${r.title}: ${describeFailures(r)}`);
    throw new Error('some requests failed; figures not written');
  }
  if (writeDocs) {
    writeSection(docsFile, body);
    log(`updated ${path.relative(root, docsFile)} (between ${BEGIN} and ${END})`);
  } else log('docs not updated (--no-docs or --cpu-prof)');
}

/** Top self-time functions and packages of the server's CPU profile (--cpu-prof). */
function summarizeProfile(dir) {
  const file = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return log('no CPU profile was written');
  const kept = path.join(os.tmpdir(), `civitas-bench-${Date.now()}.cpuprofile`);
  fs.copyFileSync(path.join(dir, file), kept);
  const prof = JSON.parse(fs.readFileSync(kept, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const n = byId.get(prof.samples[i]);
    self.set(n, (self.get(n) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const fnTotals = new Map();
  const pkgTotals = new Map();
  let busy = 0;
  for (const [n, us] of self) {
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const where = url.replace(/^file:\/\//, '').replace(root, '');
    const fnKey = `${functionName || '(anonymous)'} ${where ? `${path.basename(where)}:${lineNumber + 1}` : ''}`;
    fnTotals.set(fnKey, (fnTotals.get(fnKey) ?? 0) + us);
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
      (where.startsWith('apps/') ? 'civitas' : where.startsWith('node:') ? 'node core' : functionName);
    pkgTotals.set(pkg, (pkgTotals.get(pkg) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  log(`\nserver CPU profile (${kept}), busy ${(busy / 1e6).toFixed(1)} s; self time by package:`);
  log(top(pkgTotals, 15));
  log('by function:');
  log(top(fnTotals, 25));
}

try {
  await main();
} catch (e) {
  console.error(`\nbench:api failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
// autocannon's or pg's handles must not keep a failed run alive.
setTimeout(() => process.exit(), 2000).unref();
