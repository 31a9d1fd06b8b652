#!/usr/bin/env node
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { Logger } from 'pino';
import { fileStoreWarning } from './platform/files/open-file-store.js';
import { createLogger } from './platform/logging/logger.js';
import { busTransport, openRuntime } from './runtime.js';
import { ensureDemo, demoBanner } from './demo/demo-loader.js';
import { startIngestion } from './ingestion.js';
import { startDemoSimulator } from './demo/demo-simulator.js';
import { platformJobs } from './jobs.js';
import { JobScheduler } from './platform/jobs/job-scheduler.js';
import { DependencyError } from './platform/lifecycle/startup-wait.js';
import { drainConnectionsOnClose } from './platform/lifecycle/http-drain.js';
import { runShutdown, type ShutdownStep } from './platform/lifecycle/shutdown.js';
import type { Services } from './services.js';

/**
 * `npm start` passes --demo-default so a first start shows a living district. `--role=` (or ROLE)
 * picks what this process runs: web (HTTP), ingest (MQTT), jobs (periodic jobs), or all of them.
 */
async function main(): Promise<void> {
  let config;
  try {
    const roleFlag = process.argv.find((a) => a.startsWith('--role='));
    config = loadConfig(process.env, {
      demoDefault: process.argv.includes('--demo-default'),
      ...(roleFlag ? { role: roleFlag.slice('--role='.length) } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT);
  // What is open so far: a stop signal may come at any point of the start, the wait for a late
  // dependency included, and closes exactly what exists (ADR 0038).
  const open: OpenParts = {};
  const starting = new AbortController();
  let closing = false;
  let started: Promise<void> = Promise.resolve();
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    starting.abort();
    const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
    // The start stops at its next step (a dependency wait ends at once); what it opened is closed.
    const steps: ShutdownStep[] = [
      { name: 'start', run: () => started.catch(() => undefined) },
      ...shutdownSteps(open),
    ];
    void runShutdown(steps, timeoutMs, logger).then((r) => process.exit(r.clean ? 0 : 1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  started = start(config, logger, open, starting.signal);
  try {
    await started;
  } catch (e) {
    // Stopping: the shutdown reports and exits.
    if (closing) return;
    if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    if (e instanceof DependencyError) fail(1, e.message);
    throw e;
  }
}

interface OpenParts {
  services?: Services;
  app?: Awaited<ReturnType<typeof buildApp>> | null;
  doors?: Awaited<ReturnType<typeof startIngestion>> | null;
  scheduler?: JobScheduler;
  simulator?: { abort(): void } | null;
}

/**
 * The order of a graceful stop: intake first (HTTP stops accepting and ends the live streams,
 * requests in flight finish; MQTT takes no new message and acknowledges those it took once they
 * are committed), then the writer's last commit, then bus and database.
 */
function shutdownSteps(p: OpenParts): ShutdownStep[] {
  return [
    { name: 'demo simulator', run: () => p.simulator?.abort() },
    { name: 'jobs', run: () => p.scheduler?.stop() },
    { name: 'http (requests in flight, live streams)', run: () => p.app?.close() },
    { name: 'mqtt (messages waiting for their commit)', run: () => p.doors?.close() },
    { name: 'telemetry writer', run: () => p.services?.writer.close() },
    { name: 'bus', run: () => p.services?.bus.close() },
    { name: 'audit checkpoint', run: () => p.services?.auditCheckpoints.final() },
    { name: 'database', run: () => p.services?.database.close() },
  ];
}

/** Opens the parts this process's roles need, recording each in `open` as soon as it exists. */
async function start(config: Config, logger: Logger, open: OpenParts, signal: AbortSignal): Promise<void> {
  const wait = { waitSeconds: config.STARTUP_WAIT_SECONDS, signal };
  let services: Services;
  try {
    // Work events (alarms becoming cases) are handled by the processes that run jobs.
    services = await openRuntime(config, logger, {
      consumeWork: config.ROLE.includes('jobs'),
      startupWaitSeconds: wait.waitSeconds,
      signal,
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DependencyError || signal.aborted) throw e;
    fail(
      1,
      `cannot open the database (${config.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR'}): ${(e as Error).message}`,
    );
  }
  open.services = services;
  if (signal.aborted) return;
  const fileStoreProblem = fileStoreWarning(config);
  if (fileStoreProblem) logger.warn({ FILE_STORE: config.FILE_STORE }, fileStoreProblem);
  const roles = new Set(config.ROLE);
  const bus = busTransport(config);
  const demo = config.demo ? await ensureDemo(services, config.DEMO_PASSWORD) : null;
  const app = roles.has('web') ? await buildApp(config, services) : null;
  if (app) drainConnectionsOnClose(app);
  open.app = app;
  if (signal.aborted) return;
  try {
    await app?.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    await services.database.close();
    if (err.code === 'EADDRINUSE')
      fail(1, `PORT ${config.PORT} is already in use on ${config.HOST}; set PORT to a free port.`);
    if (err.code === 'EACCES')
      fail(1, `PORT ${config.PORT} needs privileges on ${config.HOST}; choose a port above 1023.`);
    throw e;
  }
  // Listening already: while a late broker is awaited, /readyz answers 503 and /healthz 200.
  const doors = roles.has('ingest') ? await startIngestion(config, services, logger, wait) : null;
  open.doors = doors;
  if (signal.aborted) return;
  const scheduler = new JobScheduler(services.database.db, logger.child({ area: 'jobs' }), {
    metrics: services.monitoring,
  });
  open.scheduler = scheduler;
  if (roles.has('jobs')) {
    for (const job of platformJobs(services)) scheduler.register(job);
    await scheduler.start();
  }
  const loopback = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const simulator =
    demo && config.DEMO_SIMULATOR && doors && doors.mqttPort !== null
      ? await startDemoSimulator(services, loopback, doors.mqttPort, logger.child({ area: 'demo' }))
      : null;
  open.simulator = simulator;
  const address = app?.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = app ? `http://${host}:${port}/` : null;
  logger.info(
    {
      url,
      roles: config.ROLE,
      holder: scheduler.holder,
      engine: services.database.engine,
      where: services.database.where,
    },
    url ? 'Civitas is listening' : 'Civitas is running',
  );
  process.stdout.write(
    `\n${url ? `Civitas is running at ${url}` : `Civitas is running (${config.ROLE.join(', ')})`}\n` +
      `  storage: ${services.database.engine} (${services.database.where})\n` +
      (config.ROLE.length < 3 ? `  role: ${config.ROLE.join(', ')}\n` : '') +
      (bus === 'in-process'
        ? ''
        : bus === 'postgres'
          ? `  bus: PostgreSQL (LISTEN/NOTIFY)\n`
          : `  bus: NATS (${config.BUS_PREFIX}) at ${bus.replace(/\/\/[^@/]*@/g, '//***@')}\n`) +
      (!doors
        ? ''
        : config.MQTT_URL
          ? `  MQTT: subscribed at ${config.MQTT_URL.replace(/\/\/[^@/]*@/, '//***@')}\n`
          : doors.mqttPort !== null
            ? `  MQTT: embedded broker at mqtt://${host}:${doors.mqttPort} (devices sign in with their token as username)\n`
            : '') +
      (simulator ? `  demo simulator: publishing for the demo devices\n` : ''),
  );
  if (demo) process.stdout.write(demoBanner(demo, config.DEMO_PASSWORD));
}

function fail(code: number, line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

main().catch((e: unknown) => {
  process.stderr.write(`Civitas failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
