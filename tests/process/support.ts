import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const mainJs = path.join(root, 'apps/server/dist/main.js');
export const cliJs = path.join(root, 'apps/server/dist/cli.js');
/** The PostgreSQL server process tests create their databases on. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `civitas-${prefix}-`));

/** Environment for a child: only what we pass, so a developer's shell settings cannot leak in. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    LOG_LEVEL: 'warn',
    MQTT_PORT: '0',
    HOST: '127.0.0.1',
    ...extra,
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (bounded by `timeoutMs`). */
export function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

/**
 * Spawns `main.js` with `args` and resolves once its output matches `ready` (the match is passed
 * on); rejects if it exits first or does not get there within `timeoutMs`.
 */
function spawnUntil(
  env: NodeJS.ProcessEnv,
  args: string[],
  ready: RegExp,
  timeoutMs: number,
): Promise<{ running: Running; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let settled = false;
    const running: Running = {
      child,
      url: '',
      output: () => out,
      stop: () =>
        new Promise((r) => {
          if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
          child.once('exit', (code) => r(code));
          child.kill('SIGTERM');
        }),
    };
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ running, match });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`process exited with ${code}:\n${out}`));
      }
    });
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`process did not start in time:\n${out}`));
    }, timeoutMs);
  });
}

/** Starts the server and resolves once it has printed its URL and /readyz answers 200. */
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Running> {
  const { running, match } = await spawnUntil(env, [], /running at (http:\/\/\S+)/, timeoutMs);
  const url = match[1]!.replace(/\/$/, '');
  await waitReady(url);
  return { ...running, url };
}

/** Starts a process with `--role=` that serves no HTTP (ingest, jobs); resolves once it says it runs. */
export async function startWorker(
  env: NodeJS.ProcessEnv,
  role: string,
  timeoutMs = 120_000,
): Promise<Running> {
  return (await spawnUntil(env, [`--role=${role}`], /Civitas is running/, timeoutMs)).running;
}

/** An empty PostgreSQL database for one test file, and how to drop it afterwards. */
export async function scratchDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: testPostgresUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server never became ready');
}

/** Signs in over HTTP and returns cookie + CSRF token, as the web app would hold them. */
export async function signIn(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { me: { csrfToken: string } };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.me.csrfToken };
}
