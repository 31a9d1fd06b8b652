import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, cliJs, run, scratchDatabase, startServer, tempDir, type Running } from './support.js';

/** An operator's first hour on an empty PostgreSQL database, with only the CLI and the API. */
const dir = tempDir('first-install');
let db: { url: string; drop: () => Promise<void> };
let env: NodeJS.ProcessEnv;
let server: Running | null = null;
const cli = (...args: string[]) => run([cliJs, ...args], env, 120_000);

const boundary = {
  type: 'Feature',
  properties: { name: 'test' },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [113.8, 22.5],
        [113.9, 22.5],
        [113.9, 22.6],
        [113.8, 22.6],
        [113.8, 22.5],
      ],
    ],
  },
};

beforeAll(async () => {
  db = await scratchDatabase('civitas_first_install');
  env = childEnv({
    DATABASE_URL: db.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: dir,
    BUS_URL: 'in-process',
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db.drop();
});

const login = async (url: string, username: string, password: string) => {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('civitas init on an empty database', () => {
  let password = '';

  it('without a terminal, asks for nothing and names the missing flag', async () => {
    const r = await cli('init');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--code is required \(no terminal to ask on\)/);
  });

  it('refuses a boundary file that is not a polygon, creating nothing', async () => {
    const file = path.join(dir, 'point.geojson');
    fs.writeFileSync(file, JSON.stringify({ type: 'Point', coordinates: [113.8, 22.5] }));
    const r = await cli(
      'init',
      '--code',
      'D9',
      '--name-zh',
      '测试区',
      '--name-en',
      'Test',
      '--boundary-file',
      file,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--boundary-file: not a Polygon or MultiPolygon \(found Point\)/);
    const again = await cli('user', 'create', '--username', 'w0', '--role', 'grid_worker', '--unit', 'D9');
    expect(again.stderr).toMatch(/no org unit with code D9/);
  });

  it('creates the root district and the first administrator, and says what comes next', async () => {
    const file = path.join(dir, 'district.geojson');
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [boundary] }));
    const r = await cli(
      'init',
      '--code',
      'D9',
      '--name-zh',
      '测试区',
      '--name-en',
      'Test District',
      '--boundary-file',
      file,
      '--admin',
      'root-admin',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('created district D9 (测试区 / Test District)');
    expect(r.stdout).toMatch(/Two-factor sign-in must be set up first/);
    password = /password \(shown once\): (\S+)/.exec(r.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(12);
  });

  it('is refused once the installation is set up', async () => {
    const r = await cli('init', '--code', 'D10', '--name-zh', '二区', '--name-en', 'Two', '--admin', 'other');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already set up \(root unit D9\)/);
  });

  it('lets users be created on the new district', async () => {
    const r = await cli(
      'user',
      'create',
      '--username',
      'first-worker',
      '--role',
      'grid_worker',
      '--unit',
      'D9',
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('the administrator signs in to no permission until two-factor sign-in is set up', async () => {
    server = await startServer(env);
    const r = await login(server.url, 'root-admin', password);
    expect(r.status).toBe(200);
    const me = r.body.me as { permissions: string[]; mfaEnrolmentRequired: boolean };
    expect(me.mfaEnrolmentRequired).toBe(true);
    expect(me.permissions).toEqual([]);
  });

  it('recovers an account without SQL: password reset ends the old password, mfa reset and enable work', async () => {
    const reset = await cli('user', 'password-reset', 'root-admin');
    expect(reset.code, reset.stderr).toBe(0);
    const fresh = /password \(shown once\): (\S+)/.exec(reset.stdout)![1]!;
    expect((await login(server!.url, 'root-admin', password)).status).toBe(401);
    expect((await login(server!.url, 'root-admin', fresh)).status).toBe(200);

    const weak = path.join(dir, 'weak.txt');
    fs.writeFileSync(weak, 'short');
    const refused = await cli('user', 'password-reset', 'root-admin', '--password-file', weak);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--password-file: at least 12 characters/);

    const mfa = await cli('user', 'mfa-reset', 'root-admin');
    expect(mfa.code, mfa.stderr).toBe(0);
    expect(mfa.stdout).toMatch(/enrol again/);
    expect((await cli('user', 'disable', 'first-worker')).code).toBe(0);
    expect((await cli('user', 'enable', 'first-worker')).code).toBe(0);
    const unlock = await cli('user', 'unlock', 'first-worker');
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(unlock.stdout).toMatch(/sign-in throttle cleared for first-worker/);
    const role = await cli('user', 'set-role', 'first-worker', '--role', 'community_admin', '--unit', 'D9');
    expect(role.code, role.stderr).toBe(0);
    expect(role.stdout).toMatch(/first-worker is now community_admin on D9/);
    // The only system administrator: refused, and they stay enabled (ADR 0044).
    const last = await cli('user', 'disable', 'root-admin');
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last active system administrator/);
    const none = await cli('user', 'mfa-reset', 'nobody');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no user nobody/);

    const verify = await cli('audit', 'verify');
    expect(verify.code, verify.stderr).toBe(0);
  });
});
