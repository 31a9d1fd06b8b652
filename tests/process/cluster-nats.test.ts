import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from './mqtt-support.js';
import {
  childEnv,
  scratchDatabase,
  startDaemon,
  startWorker,
  tempDir,
  type Daemon,
  type Running,
} from './support.js';

/**
 * The bus on a NATS cluster (docs/deployment.md): three nats-server nodes with JetStream on
 * loopback ports, Civitas given all three in BUS_URL. Its work stream is created with one replica;
 * an operator raises it to three, and a Civitas start that updates the stream keeps three.
 */
const NATS = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';
const available = fs.existsSync(NATS);
if (!available && process.env.CI) throw new Error(`CI needs nats-server at ${NATS}`);

const prefix = `t${randomBytes(4).toString('hex')}`;
const stream = `${prefix.toUpperCase()}_WORK`;
const dir = tempDir('natscluster');
const nodes: Daemon[] = [];
let busUrl = '';
let scratch: { url: string; drop: () => Promise<void> };
let env: NodeJS.ProcessEnv;
let nc: NatsConnection;
let jsm: JetStreamManager;
const procs: Running[] = [];

beforeAll(async () => {
  if (!available) return;
  // A free port can be taken by another process between asking and binding: then start the
  // cluster again on new ports (bounded), rather than fail on someone else's timing.
  let ports: number[] = [];
  for (let attempt = 1; ; attempt++) {
    ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const routes = await Promise.all([0, 1, 2].map(() => freePort()));
    const routeUrls = routes.map((p) => `nats://127.0.0.1:${p}`).join(',');
    try {
      for (const i of [0, 1, 2]) {
        nodes.push(
          await startDaemon(
            NATS,
            [
              ...[
                '-a',
                '127.0.0.1',
                '-p',
                String(ports[i]),
                '-js',
                '-sd',
                path.join(dir, `a${attempt}-n${i}`),
              ],
              ...['--server_name', `n${i}`, '--cluster_name', prefix],
              ...['--cluster', `nats://127.0.0.1:${routes[i]}`, '--routes', routeUrls],
            ],
            ports[i]!,
          ),
        );
      }
      break;
    } catch (e) {
      for (const n of nodes.splice(0)) await n.stop();
      if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
    }
  }
  busUrl = ports.map((p) => `nats://127.0.0.1:${p}`).join(',');
  nc = await connect({ servers: busUrl.split(',') });
  // Not checking the API here: JetStream answers only once the nodes have elected a leader.
  jsm = await jetstreamManager(nc, { checkAPI: false, timeout: 15_000 });
  // JetStream answers once the three nodes have elected a meta leader.
  await until(
    'JetStream on the cluster',
    () =>
      jsm.getAccountInfo().then(
        () => true,
        () => false,
      ),
    Boolean,
    30_000,
  );
  scratch = await scratchDatabase('civitas_natscl');
  env = childEnv({
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DATA_DIR: tempDir('natscl-data'),
    BUS_URL: busUrl,
    BUS_PREFIX: prefix,
  });
}, 120_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await jsm?.streams.delete(stream).catch(() => false);
  await nc?.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('the bus on a three-node NATS cluster', () => {
  it('creates its work stream there, and a later start keeps the replicas an operator set', async () => {
    const first = await startWorker(env, 'jobs');
    procs.push(first);
    expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
    await first.stop();

    const info = await jsm.streams.info(stream);
    await jsm.streams.update(stream, { ...info.config, num_replicas: 3 });
    await until(
      'three replicas',
      async () => (await jsm.streams.info(stream)).cluster?.replicas?.length ?? 0,
      (n) => n === 2, // the leader and two followers
      30_000,
    );

    procs.push(await startWorker(env, 'jobs'));
    const after = await jsm.streams.info(stream);
    expect(after.config.num_replicas).toBe(3);
    expect(after.cluster?.replicas?.length).toBe(2);
  });
});
