import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { Running } from './support.js';

/** Helpers for driving Debian's `mosquitto_pub` / `mosquitto_sub` against a running Civitas. */

export interface Session {
  cookie: string;
  csrf: string;
}

/** A signed-in JSON request; answers with the status, the headers and the parsed body. */
export async function send<T>(base: string, s: Session, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : null) as T };
}

/** A signed-in JSON request that must succeed. */
export async function api<T>(base: string, s: Session, method: string, path: string, body?: unknown) {
  const r = await send<T>(base, s, method, path, body);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r.body;
}

export interface Device {
  id: string;
  code: string;
  token: string;
  orgUnitId: string;
}

/** Registers a device next to an existing demo device of the caller's community. */
export async function registerDevice(
  base: string,
  s: Session,
  opts: { profile?: string; apiKeyGroupId?: string | null; prefix?: string } = {},
): Promise<Device> {
  const { items } = await api<{
    items: { orgUnitId: string; location: { type: 'Point'; coordinates: [number, number] } }[];
  }>(base, s, 'GET', '/api/v1/devices?limit=1');
  const near = items[0]!;
  const code = `${opts.prefix ?? 'MQ'}-${randomBytes(4).toString('hex')}`;
  const d = await api<Device>(base, s, 'POST', '/api/v1/devices', {
    code,
    name: code,
    profile: opts.profile ?? 'air-quality',
    location: near.location,
    apiKeyGroupId: opts.apiKeyGroupId ?? null,
  });
  return { ...d, orgUnitId: near.orgUnitId };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a mosquitto client to completion, bounded. */
export function runClient(bin: 'mosquitto_pub' | 'mosquitto_sub', args: string[], timeoutMs = 20_000) {
  return new Promise<Finished>((resolve, reject) => {
    const child = spawn(bin, ['-h', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `mosquitto_pub` at QoS 1: it returns only after the PUBACK, so the publish has been handled. */
export const pub = (port: string, args: string[]) =>
  runClient('mosquitto_pub', ['-p', port, '-q', '1', ...args]);

export interface Message {
  retained: boolean;
  topic: string;
  payload: string;
}

/**
 * A running `mosquitto_sub`. `ready` resolves with the QoS granted per filter (128 = refused) once
 * the SUBACK is in; `next()` waits, bounded, for the next message.
 */
export class Subscriber {
  readonly ready: Promise<number[]>;
  readonly exited: Promise<Finished>;
  private readonly child: ChildProcess;
  private readonly messages: Message[] = [];
  private wake: (() => void) | null = null;
  private stdout = '';
  private stderr = '';
  /** CONNECTs sent: more than one means the broker dropped it and it reconnected. */
  connects = 0;

  constructor(port: string, args: string[]) {
    // -d prints the SUBACK; -F marks message lines so they stand apart from the debug output.
    // stdbuf: into a pipe, mosquitto_sub's stdout is block-buffered and the SUBACK line would wait.
    this.child = spawn(
      'stdbuf',
      ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', port, '-q', '1', '-d', '-F', '>>%r %t %p', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let readyResolve: (g: number[]) => void = () => undefined;
    let readyReject: (e: Error) => void = () => undefined;
    this.ready = new Promise((res, rej) => {
      readyResolve = res;
      readyReject = rej;
      setTimeout(() => rej(new Error(`mosquitto_sub did not subscribe within 10 s: ${this.stderr}`)), 10_000);
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      const lines = this.stdout.split('\n');
      this.stdout = lines.pop()!;
      for (const line of lines) {
        if (/sending CONNECT/.test(line)) this.connects++;
        const m = /^>>(\d) (\S+) (.*)$/.exec(line);
        if (m) this.messages.push({ retained: m[1] === '1', topic: m[2]!, payload: m[3]! });
        if (/Subscribed/.test(line)) {
          const g = /Subscribed \(mid: \d+\): ([\d, ]+)/.exec(line);
          if (g) readyResolve(g[1]!.split(',').map((x) => Number(x.trim())));
        }
      }
      this.wake?.();
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        clearTimeout(timer);
        readyReject(new Error(`mosquitto_sub exited (${code}) before subscribing: ${this.stderr}`));
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
        this.wake?.();
      }),
    );
  }

  async next(ms = 10_000): Promise<Message> {
    const deadline = Date.now() + ms;
    while (this.messages.length === 0) {
      if (this.child.exitCode !== null) throw new Error(`mosquitto_sub ended: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = null;
    }
    return this.messages.shift()!;
  }

  get running(): boolean {
    return this.child.exitCode === null;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
  }
}

/** A port that is free right now. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

export const mqttPortOf = (server: Running) => {
  const m = /embedded broker at mqtt:\/\/[^:]+:(\d+)/.exec(server.output());
  if (!m) throw new Error(`no MQTT port in the banner:\n${server.output()}`);
  return m[1]!;
};

/** Polls until `check` holds; bounded, never a fixed sleep standing in for a condition. */
export async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} never held: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
