#!/usr/bin/env node
// `npm run bench:cases`: the case center on PostgreSQL with 1,000,000 cases over the demo district
// and three years. Measures, against the real built server (node apps/server/dist/main.js, DEMO=true):
// the street inbox with filters (GET /api/v1/cases) next to the very same SQL run through pg directly,
// the district's one-year governance metrics (GET /api/v1/metrics/cases), and case creation with
// routing (POST /api/v1/cases). Prints a Markdown report and writes the bench:cases section of
// docs/benchmarks.md. Every database and process it creates is removed at the end, also on failure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { CATEGORY_MIX, gridPoints, loadCases } from './cases-fixture.mjs';
import { fmt, ms, writeMarkedSection } from './report.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = path.join(root, 'apps/server/dist');
const docsFile = path.join(root, 'docs/benchmarks.md');
const BEGIN = '<!-- bench:cases:begin -->';
const END = '<!-- bench:cases:end -->';

const { values: opt } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '10' },
    'create-duration': { type: 'string', default: '20' },
    'create-connections': { type: 'string', default: '20' },
    'metrics-runs': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    explain: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(
    'usage: npm run bench:cases -- [--cases 1000000] [--duration 15] [--connections 10] [--warmup 3]\n' +
      '         [--create-duration 20] [--create-connections 20] [--metrics-runs 5] [--explain] [--no-docs] [--keep-db]',
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
const CASES = num('cases', 1000, 5_000_000);
const DURATION = num('duration', 1, 300);
const CONNECTIONS = num('connections', 1, 200);
const CREATE_DURATION = num('create-duration', 1, 300);
const CREATE_CONNECTIONS = num('create-connections', 1, 200);
const METRICS_RUNS = num('metrics-runs', 1, 100);
const WARMUP = num('warmup', 0, 60);
const writeDocs = !opt['no-docs'] && CASES === 1_000_000;
const TARGET = { inboxP99: 100, metricsMs: 1000, createRps: 500 };
const DEMO_PASSWORD = 'civitas-bench-2026';
const STREET = 'D01-S01';

const adminUrl = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) {
  console.error(`BENCH_DATABASE_URL must point at this machine (127.0.0.1), not ${adminUrl.hostname}`);
  process.exit(2);
}
const log = (line) => process.stdout.write(`${line}\n`);
const sleep = (msec) => new Promise((r) => setTimeout(r, msec));

// ---- cleanup: everything started is undone in reverse order, once ----
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
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => void cleanup().then(() => process.exit(130)));

function startServer(env) {
  const child = spawn(process.execPath, [path.join(dist, 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  undo.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
        child.kill('SIGTERM');
      }),
  );
  const tail = [];
  const keep = (c) => tail.push(...c.toString().split('\n').filter(Boolean).slice(-40));
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${tail.join('\n')}`)), 180_000);
    child.stdout.on('data', (c) => {
      keep(c);
      out += c.toString();
      const m = /Civitas is running at (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve({ child, url: new URL(m[1]) }));
    });
    child.once(
      'exit',
      (code) => (clearTimeout(timer), reject(new Error(`server exited ${code}:\n${tail.join('\n')}`))),
    );
  });
}

const percentile = (sorted, p) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** autocannon run; p50/p99 from every 2xx response time. */
async function cannon({ title, url, connections, duration, headers, requests }) {
  const base = { url, connections, headers, requests, timeout: 30 };
  if (WARMUP > 0) await autocannon({ ...base, duration: WARMUP });
  const times = [];
  const inst = autocannon({ ...base, duration });
  inst.on('response', (_c, status, _b, t) => status < 300 && times.push(t));
  const r = await inst;
  times.sort((a, b) => a - b);
  const res = {
    title,
    connections,
    total: r['2xx'] + r.non2xx,
    rps: r.requests.average,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    status: r.statusCodeStats,
  };
  log(
    `  ${title}: ${fmt(res.rps)} req/s, p50 ${ms(res.p50)} ms, p99 ${ms(res.p99)} ms, non-2xx ${res.non2xx}`,
  );
  return res;
}

/** The plain-SQL peer: `connections` workers in a closed loop, each running the statements of one request. */
async function sqlLoop({ title, dbUrl, connections, duration, request }) {
  const clients = [];
  for (let i = 0; i < connections * 2; i++) {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    clients.push(c);
  }
  const run = async (until, times) => {
    await Promise.all(
      Array.from({ length: connections }, async (_, w) => {
        for (let i = w; performance.now() < until; i++) {
          const t0 = performance.now();
          await request(i, clients[w * 2], clients[w * 2 + 1]);
          times?.push(performance.now() - t0);
        }
      }),
    );
  };
  await run(performance.now() + WARMUP * 1000, null);
  const times = [];
  const t0 = performance.now();
  await run(t0 + duration * 1000, times);
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  times.sort((a, b) => a - b);
  const res = {
    title,
    connections,
    total: times.length,
    rps: times.length / seconds,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    non2xx: 0,
    errors: 0,
  };
  log(`  ${title}: ${fmt(res.rps)} q/s, p50 ${ms(res.p50)} ms, p99 ${ms(res.p99)} ms`);
  return res;
}

async function login(baseUrl, username) {
  const res = await fetch(new URL('api/v1/auth/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200)
    throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('civitas_session='));
  return { cookie: cookie.split(';')[0], csrf: body.me.csrfToken };
}

function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    cores: os.availableParallelism(),
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** Runs `fn` over a Kysely that records each statement instead of hiding it: the exact SQL the server sends. */
async function captureSql(dbUrl, fn) {
  const captured = [];
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const db = new Kysely({
    dialect: new PostgresDialect({ pool }),
    log: (e) => e.level === 'query' && captured.push({ sql: e.query.sql, params: [...e.query.parameters] }),
  });
  try {
    await fn(db);
  } finally {
    await db.destroy();
  }
  return captured;
}

async function main() {
  if (!fs.existsSync(path.join(dist, 'main.js')))
    throw new Error('apps/server/dist is missing: run `npm run build`');
  const started = Date.now();
  const host = machine();
  log(`bench:cases on ${host.cores} × ${host.model}, ${host.memGiB} GiB, Node ${host.node}`);

  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  undo.push(() => admin.end());
  const pgVersion = (await admin.query('show server_version')).rows[0].server_version;
  const dbName = `civitas_bench_cases_${Date.now()}_${process.pid}`;
  await admin.query(`create database ${dbName}`);
  undo.push(async () => {
    if (opt['keep-db']) return log(`kept database ${dbName}`);
    await admin.query(`drop database if exists ${dbName} with (force)`);
  });
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-bench-cases-'));
  undo.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
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

  // 1. The real server with the demo district (migrations run at start).
  let t = performance.now();
  const server = await startServer(env);
  const baseUrl = server.url;
  for (let i = 0; ; i++) {
    const res = await fetch(new URL('readyz', baseUrl)).catch(() => null);
    if (res?.status === 200) break;
    if (i > 100) throw new Error('/readyz did not return 200');
    await sleep(100);
  }
  log(`server ready at ${baseUrl} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // 2. The fixture, straight into the tables.
  const db = new pg.Client({ connectionString: dbUrl.toString() });
  await db.connect();
  undo.push(() => db.end());
  const grids = (await db.query(`SELECT id, path, boundary FROM org_units WHERE type = 'grid' ORDER BY code`))
    .rows;
  const street = (await db.query(`SELECT id, path FROM org_units WHERE code = $1`, [STREET])).rows[0];
  const district = (await db.query(`SELECT id, path FROM org_units WHERE parent_id IS NULL`)).rows[0];
  const staffId = (await db.query(`SELECT id FROM users WHERE username = 'demo-gridworker-1'`)).rows[0].id;
  const points = gridPoints(grids, 200);
  const before = Number((await db.query('SELECT count(*) AS n FROM cases')).rows[0].n);
  log(`loading ${fmt(CASES)} cases over ${grids.length} grids (${fmt(points.length)} places)…`);
  const load = await loadCases(db, { count: CASES, points, staffId, log });
  const eventCount = Number((await db.query('SELECT count(*) AS n FROM case_events')).rows[0].n);
  const stateMix = (
    await db.query(`SELECT state, count(*)::int AS n FROM cases GROUP BY state ORDER BY n DESC`)
  ).rows;
  log(
    `loaded in ${load.seconds.toFixed(0)} s: ${fmt(eventCount)} events; states ${stateMix.map((s) => `${s.state} ${fmt(s.n)}`).join(', ')}`,
  );

  // 3. Sessions and the filters.
  const officer = await login(baseUrl, 'demo-street-1');
  const commander = await login(baseUrl, 'demo-commander');
  const streetCases = Number(
    (
      await db.query(
        `SELECT count(*) AS n FROM cases c JOIN org_units u ON u.id = c.org_unit_id WHERE u.path LIKE $1`,
        [`${street.path}%`],
      )
    ).rows[0].n,
  );
  const inboxFilters = [
    { state: 'submitted,accepted,reopened', overdue: 'true' },
    { state: 'assigned,in_progress', category: 'road_facility' },
    {
      state: 'submitted,accepted,assigned,in_progress,pending_info,reopened',
      category: 'sanitation',
      overdue: 'true',
    },
    { state: 'resolved', category: 'noise' },
    // The console's default view: every state, newest first.
    {},
  ];
  const inboxPaths = inboxFilters.map(
    (f) => `/api/v1/cases?${new URLSearchParams({ unitId: street.id, ...f, limit: '50' })}`,
  );
  for (const p of inboxPaths) {
    const r = await fetch(new URL(p, baseUrl), { headers: { cookie: officer.cookie } });
    if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
    const body = await r.json();
    log(
      `  inbox ${p.split('?')[1].replace(/unitId=[^&]+&/, '')}: ${body.total} matching, ${body.items.length} on the page`,
    );
  }

  // The same SQL the server sends, captured from the built repository with the same filter.
  const { CasesRepository } = await import(
    pathToFileURL(path.join(dist, 'modules/cases/cases.repository.js')).href
  );
  const { CaseInboxRepository } = await import(
    pathToFileURL(path.join(dist, 'modules/cases/inbox/case-inbox.repository.js')).href
  );
  const { CaseWritesRepository } = await import(
    pathToFileURL(path.join(dist, 'modules/cases/workflow/case-writes.repository.js')).href
  );
  const { withCaseTables } = await import(
    pathToFileURL(path.join(dist, 'modules/cases/cases.tables.js')).href
  );
  // The scope's unit ids come from the org tree's own query (OrgsService.unitsUnder, cached there).
  const { OrgsRepository } = await import(
    pathToFileURL(path.join(dist, 'modules/orgs/orgs.repository.js')).href
  );
  const categories = (await db.query('SELECT id, code, parent_id FROM case_categories')).rows;
  const withDescendants = (code) => {
    const ids = [categories.find((c) => c.code === code).id];
    for (let i = 0; i < ids.length; i++)
      for (const c of categories) if (c.parent_id === ids[i]) ids.push(c.id);
    return ids;
  };
  const grant = {
    role: 'street_officer',
    orgUnitId: street.id,
    orgUnitPath: street.path,
    orgUnitCode: STREET,
    orgUnitName: { 'zh-CN': '', en: '' },
    department: null,
  };
  // Per filter set, the repository first resolves the scope's unit ids (cached by the server per
  // access epoch), then sends the capped count and, in parallel, the page's ids followed by the
  // page's details (a prepared statement taking the ids): the peer runs those three the same way.
  const inboxSql = [];
  for (const f of inboxFilters) {
    const statements = await captureSql(dbUrl.toString(), async (kdb) => {
      const orgs = new OrgsRepository(kdb);
      const cdb = withCaseTables(kdb);
      const repo = new CaseInboxRepository(
        cdb,
        new CasesRepository(cdb),
        new CaseWritesRepository(),
        (paths) => orgs.idsUnder(paths),
      );
      await repo.list({
        grants: [grant],
        unitPath: street.path,
        states: f.state ? f.state.split(',') : undefined,
        categoryIds: f.category ? withDescendants(f.category) : undefined,
        overdueAt: f.overdue ? new Date() : undefined,
        limit: 50,
        offset: 0,
      });
    });
    const count = statements.find((s) => /^select count\(\*\)/i.test(s.sql));
    const ids = statements.find((s) => /^select "c"\."id" from "cases"/i.test(s.sql));
    const detail = statements.find((s) => s.sql.includes('/* prepared */') && /"cases" as "c"/.test(s.sql));
    if (!count || !ids || !detail)
      throw new Error(`captured ${statements.length} inbox statements without count, ids and detail`);
    inboxSql.push({ count, ids, detail });
  }
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString();
  const now = new Date().toISOString();
  const metricsPath = (groupBy) =>
    `/api/v1/metrics/cases?${new URLSearchParams({ unitId: district.id, from: yearAgo, to: now, groupBy })}`;
  // The figures are the case center's query (CaseService.figures), which the metrics module asks for.
  const { CaseFiguresRepository } = await import(
    pathToFileURL(path.join(dist, 'modules/cases/figures/case-figures.repository.js')).href
  );
  const metricsSql = await captureSql(dbUrl.toString(), (kdb) =>
    new CaseFiguresRepository(withCaseTables(kdb)).figures({
      unitPath: district.path,
      from: new Date(yearAgo),
      to: new Date(now),
      asOf: new Date(now),
      categoryIds: null,
      grouping: { kind: 'none' },
    }),
  );

  if (opt.explain) {
    for (const s of [
      inboxSql[0].count,
      inboxSql[0].ids,
      inboxSql[0].detail,
      inboxSql[2].ids,
      metricsSql.at(-1),
    ]) {
      const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      log(`\n${s.sql.slice(0, 200)}…\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
  }

  // 4. Measure.
  const loadBefore = os.loadavg();
  log(`\nmeasuring (${DURATION} s each after ${WARMUP} s warm-up):`);
  const inbox = await cannon({
    title: 'inbox API',
    url: baseUrl.toString(),
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { cookie: officer.cookie },
    requests: [
      {
        method: 'GET',
        setupRequest: (req, ctx) => {
          ctx.i = ((ctx.i ?? Math.floor(Math.random() * inboxPaths.length)) + 1) % inboxPaths.length;
          return { ...req, path: inboxPaths[ctx.i] };
        },
      },
    ],
  });
  const inboxPeer = await sqlLoop({
    title: 'inbox plain SQL',
    dbUrl: dbUrl.toString(),
    connections: CONNECTIONS,
    duration: DURATION,
    request: async (i, a, b) => {
      const { count, ids, detail } = inboxSql[i % inboxSql.length];
      await Promise.all([
        a.query(count.sql, count.params),
        b.query(ids.sql, ids.params).then((r) =>
          b.query({
            name: 'inbox_detail',
            text: detail.sql,
            values: [r.rows.map((row) => row.id)],
          }),
        ),
      ]);
    },
  });

  const metricRuns = {};
  for (const groupBy of ['none', 'unit']) {
    const times = [];
    let body;
    for (let i = 0; i < METRICS_RUNS + 1; i++) {
      const t0 = performance.now();
      const r = await fetch(new URL(metricsPath(groupBy), baseUrl), {
        headers: { cookie: commander.cookie },
      });
      if (r.status !== 200) throw new Error(`metrics: ${r.status} ${await r.text()}`);
      body = await r.json();
      if (i > 0) times.push(performance.now() - t0); // the first run warms the caches
    }
    times.sort((a, b) => a - b);
    metricRuns[groupBy] = { times, body };
    log(
      `  metrics groupBy=${groupBy}: median ${ms(percentile(times, 50))} ms, max ${ms(times.at(-1))} ms over ${times.length} runs; ${fmt(body.total.cases.total)} cases`,
    );
  }
  const sqlTimes = [];
  for (let i = 0; i < METRICS_RUNS; i++) {
    const t0 = performance.now();
    await db.query(metricsSql.at(-1).sql, metricsSql.at(-1).params);
    sqlTimes.push(performance.now() - t0);
  }
  sqlTimes.sort((a, b) => a - b);
  log(`  metrics SQL alone: median ${ms(percentile(sqlTimes, 50))} ms`);

  const streetGrids = points.filter((p) => p.gridPath.startsWith(street.path));
  const mix = CATEGORY_MIX.map(([code]) => code);
  const countBefore = Number((await db.query('SELECT count(*) AS n FROM cases')).rows[0].n);
  const create = await cannon({
    title: 'create API',
    url: new URL('api/v1/cases', baseUrl).toString(),
    connections: CREATE_CONNECTIONS,
    duration: CREATE_DURATION,
    headers: { cookie: officer.cookie, 'x-csrf-token': officer.csrf, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req, ctx) => {
          ctx.i = (ctx.i ?? Math.floor(Math.random() * 1e6)) + 7;
          const p = streetGrids[ctx.i % streetGrids.length];
          return {
            ...req,
            body: JSON.stringify({
              channel: 'hotline',
              category: mix[ctx.i % mix.length],
              title: `Hotline call ${ctx.i}`,
              description: 'Caller reports the problem near the given point.',
              location: { type: 'Point', coordinates: [p.lng, p.lat] },
            }),
          };
        },
      },
    ],
  });
  const created = Number((await db.query('SELECT count(*) AS n FROM cases')).rows[0].n) - countBefore;
  const routedOk = Number(
    (
      await db.query(
        `SELECT count(*) AS n FROM cases WHERE ref NOT LIKE 'B%' AND responsible_role IS NOT NULL AND created_at > now() - interval '10 minutes'`,
      )
    ).rows[0].n,
  );
  const loadAfter = os.loadavg();

  // 5. Report.
  const failed = [inbox, create].filter((r) => r.non2xx > 0 || r.errors > 0);
  const mNone = metricRuns.none;
  const mUnit = metricRuns.unit;
  const metricsMax = Math.max(mNone.times.at(-1), mUnit.times.at(-1));
  const yes = (ok) => (ok ? 'yes' : '**no**');
  const when = new Date()
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, ' UTC')
    .replace('T', ' ');
  const command = [
    'npm run bench:cases',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  const body = `
## Case center (\`npm run bench:cases\`)

Run of ${when}, command \`flock /tmp/civitas-bench.lock ${command}\`.

- Machine: ${host.cores} cores (\`nproc\`), ${host.model}, ${host.memGiB} GiB RAM, ${host.kernel}; load average
  ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min) when measuring began, ${loadAfter.map((x) => x.toFixed(2)).join(' / ')} at the end.
  Server, PostgreSQL, autocannon and the SQL peer share these cores.
- Node ${host.node}; PostgreSQL ${pgVersion} on 127.0.0.1, stock configuration; server defaults (\`DATABASE_POOL_SIZE\` 10).
- Data: ${fmt(CASES + before)} cases (${fmt(before)} from the demo loader) with ${fmt(eventCount)} timeline events over the demo
  district's ${grids.length} grids and three years, bulk-loaded with \`INSERT … SELECT\` straight into \`cases\` and
  \`case_events\` (tools/bench/cases-fixture.mjs; not through the case service, so no audit rows or notifications) in
  ${load.seconds.toFixed(0)} s, then \`VACUUM ANALYZE\`. States: ${stateMix.map((s) => `${s.state} ${fmt(s.n)}`).join(', ')}.
  Street ${STREET} holds ${fmt(streetCases)} of them.

| Scenario | Conn. | Requests | req/s | p50 ms | p99 ms | non-2xx | Ratio | Target | Met |
| --- | --: | --: | --: | --: | --: | --: | --: | --- | --- |
| Inbox \`GET /api/v1/cases\`, demo-street-1, ${inboxFilters.length} filter sets rotated (cases in play by state, category with sub-categories and overdue; the default view of every state), 50 a page + total | ${inbox.connections} | ${fmt(inbox.total)} | ${fmt(inbox.rps)} | ${ms(inbox.p50)} | ${ms(inbox.p99)} | ${inbox.non2xx} | ${fmt((100 * inbox.rps) / inboxPeer.rps, 1)} % of peer req/s | p99 < ${TARGET.inboxP99} ms | ${yes(inbox.p99 < TARGET.inboxP99)} |
| Peer: the same statements per request (count capped at 10,001 rows, in parallel with the page's ids then its details as a prepared statement), captured from the built repository, run with \`pg\` directly every time (the server reuses a count for 10 s) | ${inboxPeer.connections} | ${fmt(inboxPeer.total)} | ${fmt(inboxPeer.rps)} | ${ms(inboxPeer.p50)} | ${ms(inboxPeer.p99)} | 0 | 100 % | – | – |
| Metrics \`GET /api/v1/metrics/cases\`, district, last 365 days (${fmt(mNone.body.total.cases.total)} cases), demo-commander | 1 | ${mNone.times.length} | – | ${ms(percentile(mNone.times, 50))} | ${ms(mNone.times.at(-1))} (max) | 0 | SQL alone: median ${ms(percentile(sqlTimes, 50))} ms | < ${TARGET.metricsMs} ms | ${yes(mNone.times.at(-1) < TARGET.metricsMs)} |
| Same with \`groupBy=unit\` (${mUnit.body.groups.length} children) | 1 | ${mUnit.times.length} | – | ${ms(percentile(mUnit.times, 50))} | ${ms(mUnit.times.at(-1))} (max) | 0 | – | < ${TARGET.metricsMs} ms | ${yes(mUnit.times.at(-1) < TARGET.metricsMs)} |
| Create \`POST /api/v1/cases\` (hotline entry by demo-street-1, routed to the grid of the point) | ${create.connections} | ${fmt(create.total)} | ${fmt(create.rps)} | ${ms(create.p50)} | ${ms(create.p99)} | ${create.non2xx} | – | ≥ ${TARGET.createRps} /s sustained | ${yes(create.rps >= TARGET.createRps && create.non2xx === 0)} |

- Inbox: ${DURATION} s per scenario after ${WARMUP} s warm-up; p50/p99 from every 2xx response (autocannon) or every
  query pair (peer, timed in the benchmark process). Ratio: API req/s as a share of the peer's at the same concurrency.
- Metrics: ${METRICS_RUNS} sequential requests after one warm-up request; the target is judged on the slowest.
- Create: ${CREATE_DURATION} s after ${WARMUP} s warm-up; ${fmt(created)} cases were written during warm-up and run (${fmt(routedOk)} routed in the last 10 minutes), each with its
  timeline events, audit rows and notifications.
`;
  log(body);
  log(`total run time ${((Date.now() - started) / 1000).toFixed(0)} s; metrics max ${ms(metricsMax)} ms`);
  if (failed.length > 0) {
    for (const r of failed)
      console.error(
        `FAILED ${r.title}: non-2xx ${r.non2xx}, errors ${r.errors}, ${JSON.stringify(r.status)}`,
      );
    throw new Error('some requests failed; figures not written');
  }
  if (writeDocs) {
    writeMarkedSection(docsFile, BEGIN, END, body);
    log(`updated ${path.relative(root, docsFile)} (between ${BEGIN} and ${END})`);
  } else log('docs not updated (--no-docs, or not the full 1,000,000 cases)');
}

try {
  await main();
} catch (e) {
  console.error(`\nbench:cases failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
setTimeout(() => process.exit(), 2000).unref();
