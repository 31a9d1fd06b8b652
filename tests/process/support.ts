import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const mainJs = path.join(root, 'apps/server/dist/main.js');
export const cliJs = path.join(root, 'apps/server/dist/cli.js');

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

/** Starts the server and resolves once it has printed its URL and /readyz answers 200. */
export function startServer(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        const url = m[1]!.replace(/\/$/, '');
        void waitReady(url).then(() =>
          resolve({
            child,
            url,
            output: () => out,
            stop: () =>
              new Promise((r) => {
                if (child.exitCode !== null) return r(child.exitCode);
                child.once('exit', (code) => r(code));
                child.kill('SIGTERM');
              }),
          }),
        );
      }
    };
    let settled = false;
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${out}`));
      }
    });
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}`));
    }, timeoutMs);
  });
}

/**
 * Starts a process with `--role=` that serves no HTTP (ingest, jobs) and resolves once it says it
 * is running.
 */
export function startWorker(env: NodeJS.ProcessEnv, role: string, timeoutMs = 120_000): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, `--role=${role}`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      if (!settled && /Civitas is running/.test(out)) {
        settled = true;
        clearTimeout(timer);
        resolve(running);
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
