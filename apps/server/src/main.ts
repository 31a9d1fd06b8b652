#!/usr/bin/env node
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './platform/logging/logger.js';
import { openRuntime } from './runtime.js';
import { ensureDemo, demoBanner } from './demo/demo-loader.js';
import { startIngestion } from './ingestion.js';
import { startDemoSimulator } from './demo/demo-simulator.js';

/** `npm start` passes --demo-default so a first start shows a living district. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { demoDefault: process.argv.includes('--demo-default') });
  } catch (e) {
    if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);
  let services;
  try {
    services = await openRuntime(config, logger);
  } catch (e) {
    if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    fail(
      1,
      `cannot open the database (${config.DATABASE_URL ? 'DATABASE_URL' : 'DATA_DIR'}): ${(e as Error).message}`,
    );
  }
  const demo = config.demo ? await ensureDemo(services, config.DEMO_PASSWORD) : null;
  const app = await buildApp(config, services);
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    await services.database.close();
    if (err.code === 'EADDRINUSE')
      fail(1, `PORT ${config.PORT} is already in use on ${config.HOST}; set PORT to a free port.`);
    if (err.code === 'EACCES')
      fail(1, `PORT ${config.PORT} needs privileges on ${config.HOST}; choose a port above 1023.`);
    throw e;
  }
  const doors = await startIngestion(config, services, logger);
  const loopback = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const simulator =
    demo && config.DEMO_SIMULATOR && doors.mqttPort !== null
      ? await startDemoSimulator(services, loopback, doors.mqttPort, logger.child({ area: 'demo' }))
      : null;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${host}:${port}/`;
  logger.info(
    { url, engine: services.database.engine, where: services.database.where },
    'Civitas is listening',
  );
  process.stdout.write(
    `\nCivitas is running at ${url}\n  storage: ${services.database.engine} (${services.database.where})\n` +
      (config.MQTT_URL
        ? `  MQTT: subscribed at ${config.MQTT_URL.replace(/\/\/[^@/]*@/, '//***@')}\n`
        : doors.mqttPort !== null
          ? `  MQTT: embedded broker at mqtt://${host}:${doors.mqttPort} (devices sign in with their token as username)\n`
          : '') +
      (simulator ? `  demo simulator: publishing for the demo devices\n` : ''),
  );
  if (demo) process.stdout.write(demoBanner(demo, config.DEMO_PASSWORD));

  // Expired and idle sessions are deleted hourly; authentication already ignores them.
  const sweep = setInterval(() => {
    const idleBefore = new Date(Date.now() - config.SESSION_IDLE_MINUTES * 60_000);
    services.identityRepo
      .deleteExpiredSessions(idleBefore)
      .catch((e: unknown) => logger.warn({ err: e }, 'session sweep failed'));
  }, 3_600_000);
  sweep.unref();

  // Case deadlines: reminders before, escalation up the tree after (modules/cases/case-deadlines.job.ts).
  services.caseDeadlines.start(config.CASE_DEADLINE_INTERVAL_SECONDS * 1000);
  // Stored files no attachment row points at, older than an hour (platform/files/orphan-file-sweep.ts).
  services.fileSweep.start(config.FILE_SWEEP_INTERVAL_MINUTES * 60_000);
  // Signed checkpoints of the audit chain's head, outside the database (platform/audit, ADR 0022).
  services.auditCheckpoints.start(config.AUDIT_CHECKPOINT_INTERVAL_MINUTES * 60_000);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    simulator?.abort();
    services.caseDeadlines.stop();
    services.fileSweep.stop();
    await doors.close();
    await app.close();
    await services.writer.close();
    await services.auditCheckpoints.stop();
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
