import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { inject } from 'vitest';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const mainJs = path.join(root, 'apps/server/dist/main.js');
export const cliJs = path.join(root, 'apps/server/dist/cli.js');
/** The PostgreSQL server process tests create their databases on. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `civitas-${prefix}-`));

/** GB 11643 check character, so the ID numbers are ones the server accepts. */
export function idNumber(birth: string, seq: number): string {
  const body = `110105${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((a, d, i) => a + Number(d) * weights[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

/** The demo logins' password in the shared demo snapshot (tests/e2e/support/server.ts). */
export { DEMO_PASSWORD } from '../e2e/support/server.js';

/**
 * A DATA_DIR holding the demo district already loaded (database, key file, files): a copy of the
 * run's demo snapshot (demo-snapshot.global-setup.ts). Start the server with `DEMO: 'true'` and
 * sign in with DEMO_PASSWORD. Tests of the demo load itself start from an empty tempDir instead.
 */
export function demoDataDir(prefix: string): string {
  const dir = tempDir(prefix);
  fs.cpSync(inject('processDemoSnapshot'), dir, { recursive: true });
  return dir;
}

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

/** Whether something accepts TCP connections on a loopback port right now. */
export const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => (sock.destroy(), resolve(true)));
    sock.on('error', () => resolve(false));
  });

/** A daemon a test started (broker, load balancer): its output so far, and how to stop it. */
export interface Daemon {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Spawns `bin` and resolves once it accepts connections on `port` (polled, bounded); rejects if
 * it exits first. Each output line is passed to `onLine` as it arrives; `output()` keeps only the
 * last 64 KB, so a chatty daemon does not fill the test's memory.
 */
export async function startDaemon(
  bin: string,
  args: string[],
  port: number,
  onLine: (line: string) => void = () => undefined,
  timeoutMs = 20_000,
): Promise<Daemon> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let partial = '';
  const take = (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
    out = (out + d.toString()).slice(-65_536);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const daemon: Daemon = {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      await daemon.stop();
      throw new Error(`${bin} did not listen on ${port} within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return daemon;
}

export const MOSQUITTO_PATH = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';
export const HAPROXY_PATH = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

/**
 * Debian's Mosquitto 2 on a loopback port with a generated config, apart from the machine's own
 * broker. Anonymous: device isolation behind Mosquitto is the ACL test's subject, not this one.
 * `log_type debug` writes a line per PUBLISH sent, naming the receiving client id.
 */
export function startMosquitto(dir: string, port: number, onLine?: (line: string) => void) {
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // Messages queued for a member of a shared group while its process is down (see
      // docs/deployment.md): Debian's default of 1000 per session would drop the rest, acknowledged.
      'max_queued_messages 100000',
      'set_tcp_nodelay true',
      // stderr: unbuffered, so each line arrives as it is written.
      'log_dest stderr',
      ...['error', 'warning', 'notice', 'information', 'debug'].map((t) => `log_type ${t}`),
      '',
    ].join('\n'),
  );
  fs.chmodSync(conf, 0o644);
  return startDaemon(MOSQUITTO_PATH, ['-c', conf], port, onLine);
}

/**
 * HAProxy in front of `servers`, with the configuration docs/deployment.md gives: round robin,
 * health checks on /readyz, a request that cannot connect retried on another server, timeouts
 * longer than the live stream's 15-second keep-alive. Each answer names its server in
 * `X-Civitas-Backend`, so a test can see where a request landed.
 */
export function startHaproxy(dir: string, port: number, servers: { name: string; port: number }[]) {
  const conf = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(conf, haproxyConfig(port, servers));
  return startDaemon(HAPROXY_PATH, ['-db', '-f', conf], port);
}

export function haproxyConfig(port: number, servers: { name: string; port: number }[]): string {
  return `global
  maxconn 2000

defaults
  mode http
  option httplog
  option forwardfor
  option redispatch
  retries 3
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  timeout tunnel 1h

frontend civitas
  bind 127.0.0.1:${port}
  http-request set-header X-Forwarded-Proto https if { ssl_fc }
  http-request set-header X-Forwarded-Proto http unless { ssl_fc }
  http-request del-header X-Forwarded-Host
  default_backend civitas

backend civitas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server check inter 500ms fall 2 rise 2
  http-response set-header X-Civitas-Backend %[srv_name]
${servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port}`).join('\n')}
`;
}
