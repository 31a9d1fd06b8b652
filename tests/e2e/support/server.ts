import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js');
const webIndex = path.join(repoRoot, 'apps/web/dist/index.html');

/** Every demo login shares it (DEMO_PASSWORD); the snapshot is loaded with the same one. */
export const DEMO_PASSWORD = 'e2e-demo-password-2026';

/**
 * Hang guard for a server start: a start from the snapshot takes seconds; a first start loads the
 * demo district, which takes tens of seconds on an idle two-core machine and several times that
 * at load 8.
 */
export const SERVER_START_TIMEOUT_MS = 300_000;

export interface RunningServer {
  baseUrl: string;
  password: string;
  /** The server's DATA_DIR. */
  dataDir: string;
  /** Stops the server (SIGTERM, so it closes its database cleanly) and removes its data dir. */
  stop: (opts?: { keepDataDir?: boolean }) => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls /readyz until it answers 200; the first start loads the demo district, which takes a while. */
async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts the built server the way an operator would: demo data, embedded everything. With
 * `snapshot`, the data dir starts as a copy of that stopped server's DATA_DIR (database, key,
 * files), so the demo district is already there; without it the server loads the district itself.
 */
export async function startServer(
  opts: { snapshot?: string; timeoutMs?: number } = {},
): Promise<RunningServer> {
  for (const file of [serverMain, webIndex]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'civitas-e2e-'));
  if (opts.snapshot) cpSync(opts.snapshot, dataDir, { recursive: true });
  const port = await freePort();
  const child = spawn(process.execPath, [serverMain], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO: 'true',
      DEMO_PASSWORD,
      MQTT_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async ({ keepDataDir = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    // A data dir is only worth keeping if the server closed its database itself.
    else if (child.exitCode !== 0)
      throw new Error(
        `server did not shut down cleanly (exit ${child.exitCode ?? child.signalCode}):\n${log}`,
      );
  };
  try {
    await waitUntilReady(baseUrl, child, () => log, opts.timeoutMs ?? SERVER_START_TIMEOUT_MS);
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, password: DEMO_PASSWORD, dataDir, stop };
}
