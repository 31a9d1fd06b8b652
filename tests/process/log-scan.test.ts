import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childEnv,
  DEMO_PASSWORD,
  demoDataDir,
  idNumber,
  signIn,
  startServer,
  type Running,
} from './support.js';

// The review found phone numbers, ID numbers, device tokens and FIWARE keys in the request log.
// This runs the flows that carry them against the built server, logging everything (trace), and
// then looks for every known secret and personal string in what it printed: there must be none.

const demoPassword = DEMO_PASSWORD;
const wrongPassword = `Wr0ng-${randomBytes(6).toString('hex')}-pw`;
const tag = randomBytes(3).toString('hex');

interface Session {
  cookie: string;
  csrf: string;
}

const phone = () => `139${String(Math.floor(10_000_000 + Math.random() * 89_999_999))}`;
// Names no demo resident has, so a hit can only come from this run.
const people = [
  { name: `鲍泓澈${tag}`, phone: phone(), idNumber: idNumber('1987-03-14', 417), birthDate: '1987-03-14' },
  {
    name: `Quillon Marwick ${tag}`,
    phone: phone(),
    idNumber: idNumber('1992-11-02', 528),
    birthDate: '1992-11-02',
  },
];
const imported = [
  { name: `滕霁川${tag}`, phone: phone(), idNumber: idNumber('1979-06-30', 639), birthDate: '1979-06-30' },
  {
    name: `Orsolya Brandt ${tag}`,
    phone: phone(),
    idNumber: idNumber('2001-01-09', 741),
    birthDate: '2001-01-09',
  },
];

async function call(server: Running, s: Session | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function ok<T>(server: Running, s: Session, method: string, path: string, body?: unknown): Promise<T> {
  const r = await call(server, s, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return JSON.parse(r.text) as T;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

function mosquittoPub(port: string, username: string, topic: string, message: string) {
  return new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      'mosquitto_pub',
      ['-h', '127.0.0.1', '-p', port, '-q', '1', '-u', username, '-t', topic, '-m', message],
      {
        stdio: 'ignore',
      },
    );
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Every form a string can take in a log line: as is, JSON-escaped, percent-encoded. */
const forms = (s: string) => [
  s,
  JSON.stringify(s).slice(1, -1),
  JSON.stringify(s)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  encodeURIComponent(s),
];

describe('logs hold no secrets and no personal data', () => {
  let server: Running;
  const secrets: { what: string; value: string }[] = [];
  let log = '';
  // What a log line may say of a credential: the start of its SHA-256, as Civitas stores it (ADR 0035).
  const digests = { token: '', apikey: '' };
  const digest = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 8);

  beforeAll(async () => {
    server = await startServer(
      childEnv({
        DATA_DIR: demoDataDir('logscan'),
        PORT: '0',
        MQTT_PORT: String(await freePort()),
        DEMO: 'true',
        DEMO_SIMULATOR: 'false',
        DEMO_PASSWORD: demoPassword,
        LOG_LEVEL: 'trace',
      }),
    );
  }, 180_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) await server.stop();
  });

  it('runs sign-in, resident, search, reveal, import, device, ingest, FIWARE, MQTT, Open311 and 404 flows', async () => {
    const url = server.url;
    secrets.push({ what: 'a wrong password', value: wrongPassword });
    expect(
      (
        await call(server, null, 'POST', '/api/v1/auth/login', {
          username: 'demo-community-1',
          password: wrongPassword,
        })
      ).status,
    ).toBe(401);
    const s = await signIn(url, 'demo-community-1', demoPassword);
    secrets.push({ what: 'a session cookie', value: s.cookie.split('=')[1]! });
    secrets.push({ what: 'a CSRF token', value: s.csrf });

    const grids = await ok<{ items: { id: string; code: string }[] }>(
      server,
      s,
      'GET',
      '/api/v1/org-units?q=D01-S01-C01-G01',
    );
    const grid = grids.items.find((g) => g.code === 'D01-S01-C01-G01')!;
    const ids: string[] = [];
    for (const p of people) {
      const created = await ok<{ id: string }>(server, s, 'POST', '/api/v1/residents', {
        name: p.name,
        phone: p.phone,
        idNumber: p.idNumber,
        birthDate: p.birthDate,
        gridId: grid.id,
      });
      ids.push(created.id);
    }
    // The search by identifier goes in a POST body; in the query string it is refused.
    const search = await call(server, s, 'POST', '/api/v1/residents/search', {
      field: 'phone',
      value: people[0]!.phone,
      reason: 'log scan: caller asked about their record',
    });
    expect(search.status).toBe(200);
    expect((await call(server, s, 'GET', `/api/v1/residents?phone=${people[0]!.phone}`)).status).toBe(400);
    expect((await call(server, s, 'GET', `/api/v1/residents?idNumber=${people[1]!.idNumber}`)).status).toBe(
      400,
    );
    const reveal = await ok<{ value: string }>(server, s, 'POST', `/api/v1/residents/${ids[0]}/reveal`, {
      field: 'idNumber',
      reason: 'log scan: verifying identity in person',
    });
    expect(reveal.value).toBe(people[0]!.idNumber);

    const csv =
      'name,phone,id_number,birth_date,gender,building_code,unit_no,grid_code,elderly_living_alone,disability,child,needs_assistance\n' +
      imported
        .map(
          (p) => `${p.name},${p.phone},${p.idNumber},${p.birthDate},,,,${grid.code},false,false,false,false`,
        )
        .join('\n');
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'people.csv');
    const started = await fetch(`${url}/api/v1/residents/import`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      body: form,
    });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const j = await ok<{ status: string; importedRows: number; errors: unknown[] }>(
        server,
        s,
        'GET',
        `/api/v1/imports/${job.id}`,
      );
      if (j.status !== 'running') {
        expect(j.errors).toEqual([]);
        expect(j).toMatchObject({ status: 'done', importedRows: 2 });
        break;
      }
      if (Date.now() > deadline) throw new Error('import never finished');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const p of [...people, ...imported]) {
      secrets.push({ what: `the name of ${p.name}`, value: p.name });
      secrets.push({ what: `the phone of ${p.name}`, value: p.phone });
      secrets.push({ what: `the ID number of ${p.name}`, value: p.idNumber });
    }

    const near = (
      await ok<{ items: { orgUnitId: string; location: unknown }[] }>(
        server,
        s,
        'GET',
        '/api/v1/devices?limit=1',
      )
    ).items[0]!;
    const group = await ok<{ id: string; apikey: string }>(server, s, 'POST', '/api/v1/api-key-groups', {
      name: `log scan ${tag}`,
      orgUnitId: near.orgUnitId,
    });
    secrets.push({ what: 'a FIWARE API key', value: group.apikey });
    const device = await ok<{ id: string; code: string; token: string }>(
      server,
      s,
      'POST',
      '/api/v1/devices',
      {
        code: `SCAN-${tag}`,
        name: `log scan ${tag}`,
        profile: 'air-quality',
        location: near.location,
        apiKeyGroupId: group.id,
      },
    );
    secrets.push({ what: 'a device token', value: device.token });
    digests.token = digest(device.token);
    digests.apikey = digest(group.apikey);
    const reading = JSON.stringify({ pm25: 12.5 });
    const ingest = (path: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: reading,
      });
    expect((await ingest(`/api/v1/ingest/${device.token}/telemetry`)).status).toBe(200);
    // ThingsBoard's own path; redacted whether or not this server serves it.
    await ingest(`/api/v1/${device.token}/telemetry`);
    expect((await ingest(`/iot/json?k=${group.apikey}&i=${device.code}`)).status).toBe(200);
    const port = /embedded broker at mqtt:\/\/[^:]+:(\d+)/.exec(server.output())![1]!;
    expect(await mosquittoPub(port, device.token, 'v1/devices/me/telemetry', reading)).toBe(0);
    expect(
      await mosquittoPub(port, group.apikey, `/json/${group.apikey}/${device.code}/attrs`, reading),
    ).toBe(0);
    // Unknown credentials and unknown paths that carry them.
    const badToken = `cvd_${randomBytes(24).toString('base64url')}`;
    secrets.push({ what: 'an unknown device token', value: badToken });
    expect((await ingest(`/api/v1/ingest/${badToken}/telemetry`)).status).toBe(401);
    const notFound = await fetch(`${url}/api/v1/${badToken}/no-such-thing`);
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).not.toContain(badToken);
    expect(
      (await fetch(`${url}/devices-old/${device.token}/push`, { headers: { accept: 'application/json' } }))
        .status,
    ).toBe(404);

    const admin = await signIn(url, 'demo-admin', demoPassword);
    const district = (
      await ok<{ items: { id: string; code: string }[] }>(server, admin, 'GET', '/api/v1/org-units?q=D01')
    ).items.find((u) => u.code === 'D01')!;
    const o311 = await ok<{ key: string }>(server, admin, 'POST', '/api/v1/open311-keys', {
      name: `log scan ${tag}`,
      orgUnitId: district.id,
    });
    secrets.push({ what: 'an Open311 api_key', value: o311.key });
    const services = (await (await fetch(`${url}/open311/v2/services.json`)).json()) as {
      service_code: string;
    }[];
    const body = new URLSearchParams({
      api_key: o311.key,
      service_code: services[0]!.service_code,
      lat: String((near.location as { coordinates: number[] }).coordinates[1]),
      long: String((near.location as { coordinates: number[] }).coordinates[0]),
      description: 'Streetlight out (log scan)',
      phone: imported[0]!.phone,
    });
    const posted = await fetch(`${url}/open311/v2/requests.json`, { method: 'POST', body });
    expect(posted.status).toBeLessThan(300);
    // Some integrators put the key in the query string instead.
    await fetch(`${url}/open311/v2/requests.json?api_key=${o311.key}`, { method: 'POST', body });
  });

  it('and the captured stdout and stderr hold none of them', async () => {
    expect(await server.stop()).toBe(0);
    log = server.output();
    expect(secrets.length).toBeGreaterThan(15);
    const hits = secrets.flatMap(({ what, value }) =>
      forms(value).some((f) => log.includes(f)) ? [`${what} (${value})`] : [],
    );
    expect(hits).toEqual([]);
    const lines = log.split('\n').filter((l) => l.startsWith('{'));
    // The scan means something only if the requests were logged: with their URLs, redacted.
    const urls = lines.flatMap((l) => {
      const o = JSON.parse(l) as { req?: { url?: string } };
      return o.req?.url ? [o.req.url] : [];
    });
    expect(urls.length).toBeGreaterThan(20);
    expect(urls).toContain(`/api/v1/ingest/[token#${digests.token}]/telemetry`);
    expect(urls).toContain(`/api/v1/[token#${digests.token}]/telemetry`);
    expect(urls.some((u) => u.startsWith(`/iot/json?k=[k#${digests.apikey}]`))).toBe(true);
    expect(urls).toContain('/api/v1/residents?phone=[redacted]');
  });
});
