import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, mainJs, run, signIn, startServer, tempDir } from './support.js';

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('starting the server', () => {
  it('exits 2 with one line naming the variable when config is bad', async () => {
    const r = await run([mainJs], childEnv({ DATA_DIR: tempDir('cfg'), PORT: 'eighty' }));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^config error: PORT: /);
    const k = await run([mainJs], childEnv({ DATABASE_URL: 'postgres://127.0.0.1/x' }));
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/SECRET_KEY/);
  });

  it('reports a taken port in one clear line', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const r = await run([mainJs], childEnv({ DATA_DIR: tempDir('port'), PORT: String(port) }));
    blocker.close();
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`PORT ${port} is already in use on 127.0.0.1; set PORT to a free port.`);
  });

  it('loads the demo on first embedded start, keeps data across restarts, and refuses a wrong key', async () => {
    const dataDir = tempDir('embedded');
    const env = childEnv({
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO: 'true',
      DEMO_PASSWORD: 'demo-pass-123',
      LOG_LEVEL: 'info',
    });
    const first = await startServer(env);
    expect(first.output()).toMatch(/Demo district loaded: \d+ units, \d+ buildings, \d+ residents/);
    expect(first.output()).toContain('demo-gridworker-1');
    const keyFile = path.join(dataDir, 'secret.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.output()).not.toContain(fs.readFileSync(keyFile, 'utf8').trim());
    // The web app is served at / and deep links fall back to it, with a strict CSP.
    const deep = await fetch(`${first.url}/residents/some-id`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    expect(deep.headers.get('content-security-policy')).toContain("default-src 'self'");
    const s = await signIn(first.url, 'demo-community-1', 'demo-pass-123');
    const created = await fetch(`${first.url}/api/v1/auth/tokens`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'persisted' }),
    });
    expect(created.status).toBe(201);
    // Every log line is JSON with a request id; no password or cookie appears anywhere.
    const logLines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const httpLines = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.area === 'http' && ('req' in l || 'res' in l));
    expect(httpLines.length).toBeGreaterThan(0);
    for (const l of httpLines) expect(l.requestId).toBeTruthy();
    expect(first.output()).not.toContain('demo-pass-123"');
    expect(first.output()).not.toContain(s.cookie.split('=')[1]!);
    expect(await first.stop()).toBe(0);

    const second = await startServer(env);
    expect(second.output()).toContain('already loaded');
    const again = await signIn(second.url, 'demo-community-1', 'demo-pass-123');
    const tokens = (await (
      await fetch(`${second.url}/api/v1/auth/tokens`, { headers: { cookie: again.cookie } })
    ).json()) as { items: { name: string }[] };
    expect(tokens.items.map((t) => t.name)).toContain('persisted');
    await second.stop();

    const wrong = await run([mainJs], { ...env, SECRET_KEY: randomBytes(32).toString('hex') });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/SECRET_KEY: does not match/);
  });

  describe('on PostgreSQL', () => {
    const name = `civitas_p_${randomBytes(5).toString('hex')}`;
    afterAll(async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });

    it('migrates a fresh database and serves from it when DATABASE_URL is set', async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      try {
        await c.connect();
      } catch {
        if (process.env.CI) throw new Error('PostgreSQL is required in CI');
        console.warn('NOTICE: PostgreSQL unreachable; skipping the PostgreSQL process test');
        return;
      }
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      const url = new URL(pgUrl);
      url.pathname = `/${name}`;
      const server = await startServer(
        childEnv({
          DATABASE_URL: url.toString(),
          SECRET_KEY: randomBytes(32).toString('base64'),
          PORT: '0',
          DEMO: 'true',
          DATA_DIR: tempDir('pg'),
        }),
      );
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { engine: string };
      expect(ready.engine).toBe('postgres');
      expect(server.output()).toContain('storage: postgres');
      await signIn(server.url, 'demo-gridworker-1', 'civitas-demo-2026');
      await server.stop();
    });
  });
});
