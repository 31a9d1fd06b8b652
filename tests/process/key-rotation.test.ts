import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, cliJs, mainJs, run, scratchDatabase, signIn, startServer, tempDir } from './support.js';

/**
 * `civitas key rotate` against the PostgreSQL database of a running server (ADR 0042): the server,
 * restarted with both keys, keeps answering identifier searches and reveals while the walk runs,
 * and after it the server runs on the new key alone.
 */
describe('SECRET_KEY rotation against a running server', () => {
  const dbs: { drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
  });

  it('re-encrypts online while reads keep working, then runs on the new key alone', async () => {
    const db = await scratchDatabase('keyrot');
    dbs.push(db);
    const k1 = randomBytes(32).toString('hex');
    const k2 = randomBytes(32).toString('hex');
    const base = {
      DATABASE_URL: db.url,
      DATA_DIR: tempDir('keyrot'),
      PORT: '0',
      MQTT_PORT: '0',
      DEMO_PASSWORD: 'demo-pass-123',
      IDENTIFIER_SEARCH_LIMIT: '1000',
    };
    const first = await startServer(childEnv({ ...base, SECRET_KEY: k1, DEMO: 'true' }), 240_000);
    expect(await first.stop()).toBe(0);

    const ring = { ...base, SECRET_KEY: k2, SECRET_KEY_PREVIOUS: k1 };
    const during = await startServer(childEnv({ ...ring, LOG_LEVEL: 'info' }));
    expect(during.output()).toContain('SECRET_KEY changed');
    const s = await signIn(during.url, 'demo-gridworker-1', 'demo-pass-123');
    const call = (path: string, body?: unknown) =>
      fetch(`${during.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const list = (await (await call('/api/v1/residents?limit=100')).json()) as {
      items: { id: string; phone: string | null }[];
    };
    const withPhone = list.items.filter((r) => r.phone !== null);
    const target = withPhone[withPhone.length - 1]!;
    const revealed = (await (
      await call(`/api/v1/residents/${target.id}/reveal`, { field: 'phone', reason: 'rotation check' })
    ).json()) as { value: string };
    const phone = revealed.value;
    expect(phone).toMatch(/^\d{6,20}$/);

    let reads = 0;
    let failures = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        const r = await call('/api/v1/residents/search', {
          field: 'phone',
          value: phone,
          reason: 'rotation check',
        });
        const found = r.ok ? ((await r.json()) as { items: { id: string }[] }).items : [];
        if (found.some((x) => x.id === target.id)) reads++;
        else failures++;
      }
    })();
    const rotate = await run([cliJs, 'key', 'rotate', '--batch', '50'], childEnv(ring), 240_000);
    done = true;
    await reader;
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toMatch(/residents: \d+ rows scanned, \d+ rewritten/);
    expect(rotate.stdout).toContain('SECRET_KEY_PREVIOUS can be removed');
    expect(reads).toBeGreaterThan(0);
    expect(failures).toBe(0);
    expect(await during.stop()).toBe(0);

    const only = { ...base, SECRET_KEY: k2 };
    const after = await startServer(childEnv(only));
    const s2 = await signIn(after.url, 'demo-gridworker-1', 'demo-pass-123');
    const found = await fetch(`${after.url}/api/v1/residents/search`, {
      method: 'POST',
      headers: { cookie: s2.cookie, 'x-csrf-token': s2.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ field: 'phone', value: phone, reason: 'rotation check' }),
    });
    expect(((await found.json()) as { items: { id: string }[] }).items.map((r) => r.id)).toContain(target.id);
    expect(await after.stop()).toBe(0);
    const verify = await run([cliJs, 'audit', 'verify'], childEnv(only));
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('audit chain intact');
    const old = await run([mainJs], childEnv({ ...base, SECRET_KEY: k1 }));
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(
      /^config error: SECRET_KEY: is key [0-9a-f]{16}, which this database was rotated away from/,
    );
  }, 600_000);
});
