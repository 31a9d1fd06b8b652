import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../apps/server/src/platform/db/database.js';
import { childEnv, cliJs, DEMO_PASSWORD, demoDataDir, run, signIn, startServer } from './support.js';

// The whole path of ADR 0022 with real processes: the server keys the chain and writes signed
// checkpoints at start and at shutdown; someone with only the database then cuts the tail off and
// moves the head; `civitas audit verify` (exit 3) and the API both notice.

const password = DEMO_PASSWORD;

describe('signed audit checkpoints outside the database', () => {
  it('are written at start and shutdown, and expose a tail cut back in the database', async () => {
    const dataDir = demoDataDir('checkpoints');
    const env = childEnv({
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO: 'true',
      DEMO_SIMULATOR: 'false',
      DEMO_PASSWORD: password,
    });
    const server = await startServer(env);
    const s = await signIn(server.url, 'demo-community-1', password);
    for (let i = 0; i < 3; i++) {
      const created = await fetch(`${server.url}/api/v1/auth/tokens`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `checkpoint ${i}` }),
      });
      expect(created.status).toBe(201);
    }
    expect(await server.stop()).toBe(0);

    const dir = path.join(dataDir, 'audit-checkpoints');
    const lines = fs
      .readdirSync(dir)
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number; keyedFrom: number | null; mac: string });
    // One at start (after the demo load), one at shutdown with the sign-in and tokens on top.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const last = lines[lines.length - 1]!;
    expect(last.keyedFrom).toBe(1);
    expect(last.mac).toMatch(/^[0-9a-f]{64}$/);

    const cli = (...args: string[]) => run([cliJs, ...args], childEnv({ DATA_DIR: dataDir }));
    const intact = await cli('audit', 'verify');
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('keyed: HMAC-SHA-256 from entry 1');
    expect(intact.stdout).toMatch(
      new RegExp(
        `checkpoints: ${lines.length} of ${lines.length} found in the chain; latest at entry ${last.seq}`,
      ),
    );

    // The database-only attacker: triggers off, the last three entries gone, the head moved back.
    const database = await openDatabase({ engine: 'pglite', dataDir });
    const db = database.db;
    await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
    const keep = await db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', '=', last.seq - 3)
      .executeTakeFirstOrThrow();
    await db.deleteFrom('audit_log').where('seq', '>', keep.seq).execute();
    await db.updateTable('audit_head').set({ seq: keep.seq, hash: keep.hash }).where('id', '=', 1).execute();
    await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(db);
    await database.close();

    const broken = await cli('audit', 'verify');
    expect(broken.code).toBe(3);
    expect(broken.stdout).toContain(`audit chain BROKEN at entry ${keep.seq + 1} (checkpoint_ahead)`);
    // Verifying wrote no checkpoint of the cut chain.
    const after = fs
      .readdirSync(dir)
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter(Boolean);
    expect(after).toHaveLength(lines.length);
  });
});
