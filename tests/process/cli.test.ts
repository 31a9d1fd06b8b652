import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { childEnv, cliJs, run, tempDir } from './support.js';

const dataDir = tempDir('cli');
const env = childEnv({ DATA_DIR: dataDir });
// A hang guard, not a speed check: loading the demo takes minutes on a machine at load 8.
const cli = (...args: string[]) => run([cliJs, ...args], env, 240_000);

beforeAll(async () => {
  const r = await cli('demo', 'load');
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('operator CLI', () => {
  it('migrates idempotently', async () => {
    const r = await cli('migrate');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('up to date');
  });

  it('creates users and tokens, with clear errors and exit 2 on bad input', async () => {
    const ok = await cli(
      'user',
      'create',
      '--username',
      'ops-admin',
      '--role',
      'community_admin',
      '--unit',
      'D01-S01-C01',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/password \(shown once\): \S{12,}/);
    const badRole = await cli('user', 'create', '--username', 'x1', '--role', 'king', '--unit', 'D01');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role: must be one of/);
    const badUnit = await cli(
      'user',
      'create',
      '--username',
      'x2',
      '--role',
      'grid_worker',
      '--unit',
      'NOPE',
    );
    expect(badUnit.code).toBe(2);
    expect(badUnit.stderr).toMatch(/--unit: no org unit with code NOPE/);
    const dup = await cli('user', 'create', '--username', 'ops-admin', '--role', 'auditor', '--unit', 'D01');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already taken/);
    const token = await cli('token', 'create', '--user', 'ops-admin');
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^cvt_[A-Za-z0-9_-]{40,}$/);
  });

  it('imports residents with a per-row report and exit 4 when rows were rejected', async () => {
    const file = path.join(dataDir, 'people.csv');
    fs.writeFileSync(
      file,
      '\uFEFFname,phone,grid_code\n张三,13800000001,D01-S01-C01-G01\n,13800000002,D01-S01-C01-G01\n',
    );
    const r = await cli('import', 'residents', file, '--as', 'demo-community-1');
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('1 imported, 1 rejected of 2 rows');
    expect(r.stdout).toContain('line 3: name is required');
    const missing = await cli(
      'import',
      'residents',
      path.join(dataDir, 'none.csv'),
      '--as',
      'demo-community-1',
    );
    expect(missing.code).toBe(2);
  });

  it('verifies the audit chain', async () => {
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/audit chain intact: \d+ entries/);
  });

  it('rejects an unknown command with exit 2', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
  });
});
