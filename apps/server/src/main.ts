#!/usr/bin/env node
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './platform/logging/logger.js';
import { busTransport, openRuntime } from './runtime.js';
import { ensureDemo, demoBanner } from './demo/demo-loader.js';
import { startIngestion } from './ingestion.js';
import { startDemoSimulator } from './demo/demo-simulator.js';
import { platformJobs } from './jobs.js';
import { JobScheduler } from './platform/jobs/job-scheduler.js';

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
  let services;
  try {
    // Work events (alarms becoming cases) are handled by the processes that run jobs.
    services = await openRuntime(config, logger, { consumeWork: config.ROLE.includes('jobs') });
  } catch (e) {
    if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    fail(
      1,
      `cannot open the database (${config.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR'}): ${(e as Error).message}`,
    );
  }
  const roles = new Set(config.ROLE);
  const bus = busTransport(config);
  const demo = config.demo ? await ensureDemo(services, config.DEMO_PASSWORD) : null;
  const app = roles.has('web') ? await buildApp(config, services) : null;
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
  const doors = roles.has('ingest') ? await startIngestion(config, services, logger) : null;
  const scheduler = new JobScheduler(services.database.db, logger.child({ area: 'jobs' }), {
    metrics: services.monitoring,
  });
  if (roles.has('jobs')) {
    for (const job of platformJobs(services)) scheduler.register(job);
    await scheduler.start();
  }
  const loopback = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const simulator =
    demo && config.DEMO_SIMULATOR && doors && doors.mqttPort !== null
      ? await startDemoSimulator(services, loopback, doors.mqttPort, logger.child({ area: 'demo' }))
      : null;
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

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    simulator?.abort();
    await scheduler.stop();
    await doors?.close();
    await app?.close();
    await services.writer.close();
    await services.bus.close();
    await services.auditCheckpoints.final();
    await services.database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function fail(code: number, line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

main().catch((e: unknown) => {
  process.stderr.write(`Civitas failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
