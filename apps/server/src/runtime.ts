import type { Logger } from 'pino';
import { ConfigError, type Config } from './config.js';
import { FieldCipher } from './platform/crypto/field-cipher.js';
import { archiveAuditRoots } from './platform/audit/audit-key-archive.js';
import { checkKeyring, KeyMismatchError } from './platform/crypto/key-check.js';
import { KeyError, resolveMasterKey, resolvePreviousKeys } from './platform/crypto/master-key.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import type { BusTransport } from './platform/bus/event-bus.js';
import { NatsTransport } from './platform/bus/nats-transport.js';
import { PgTransport } from './platform/bus/pg-transport.js';
import { createServices, type Services } from './services.js';
import { reach, shownUrl } from './platform/lifecycle/startup-wait.js';

/**
 * Opens everything a Civitas process needs, in order: key, database, schema, services. Shared by
 * the server and the CLI so both see the same configuration the same way.
 */
/**
 * What carries the event bus (ADR 0024): NATS when BUS_URL names it; otherwise the database on
 * PostgreSQL, where several processes may share it, and the process itself on embedded storage:
 * `nats://…`, `postgres` or `in-process`.
 */
export function busTransport(config: Config): string {
  if (config.BUS_URL) return config.BUS_URL;
  return config.DATABASE_URL ? 'postgres' : 'in-process';
}

export async function openRuntime(
  config: Config,
  logger: Logger,
  opts: {
    /** False: this process enqueues work events but leaves handling them to the `jobs` processes. */
    consumeWork?: boolean;
    /**
     * How long to keep retrying the database and the bus (STARTUP_WAIT_SECONDS); the server
     * passes its setting, the CLI fails at once (an operator at a terminal wants the answer now).
     */
    startupWaitSeconds?: number;
    /** Aborted by a stop signal during the wait. */
    signal?: AbortSignal;
  } = {},
): Promise<Services> {
  let key;
  let previousKeys: Buffer[];
  try {
    key = resolveMasterKey({
      secretKey: config.SECRET_KEY,
      secretKeyFile: config.SECRET_KEY_FILE,
      dataDir: config.dataDir,
      allowGenerate: !config.DATABASE_URL,
    });
    previousKeys = resolvePreviousKeys({
      previous: config.SECRET_KEY_PREVIOUS,
      previousFile: config.SECRET_KEY_PREVIOUS_FILE,
    });
  } catch (e) {
    if (e instanceof KeyError)
      throw new ConfigError(
        e.message.split(':')[0] ?? 'SECRET_KEY',
        e.message.split(': ').slice(1).join(': '),
      );
    throw e;
  }
  if (key.generated)
    logger.info({ file: key.source }, 'generated a new encryption key; back it up with the data');
  const cipher = new FieldCipher(key.key, previousKeys);
  const wait = {
    waitSeconds: opts.startupWaitSeconds ?? 0,
    log: logger.child({ area: 'startup' }),
    signal: opts.signal,
  };
  const databaseUrl = config.DATABASE_URL;
  const database: Database = databaseUrl
    ? await reach(
        'DATABASE_URL',
        shownUrl(databaseUrl),
        () =>
          openDatabase({
            engine: 'postgres',
            url: databaseUrl,
            poolSize: config.DATABASE_POOL_SIZE,
            // No statement outlives the request budget it would serve (ADR 0019).
            statementTimeoutMs: config.REQUEST_TIMEOUT_MS,
          }),
        wait,
      )
    : await openDatabase({ engine: 'pglite', dataDir: config.dataDir });
  try {
    const applied = await migrate(database.db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    try {
      const { rotationStarted } = await checkKeyring(database.db, cipher);
      if (rotationStarted)
        logger.warn(
          { from: rotationStarted, to: cipher.fingerprint },
          'SECRET_KEY changed: new values use the new key; run `civitas key rotate` to re-encrypt the rest',
        );
    } catch (e) {
      if (e instanceof KeyMismatchError) throw new ConfigError(e.variable, e.message);
      throw e;
    }
    await archiveAuditRoots(database.db, cipher);
  } catch (e) {
    await database.close();
    throw e;
  }
  const services = createServices({ config, database, cipher, logger });
  await services.devices.ensureBuiltinProfiles();
  const bus = busTransport(config);
  if (bus !== 'in-process') {
    try {
      const name = `civitas-${process.pid}`;
      const busLog = logger.child({ area: 'bus' });
      const ackWaitMs = config.BUS_ACK_WAIT_SECONDS * 1000;
      const transport = await reach<BusTransport>(
        'BUS_URL',
        bus === 'postgres' ? 'postgres' : shownUrl(bus),
        () =>
          bus === 'postgres'
            ? PgTransport.open(database.db, { url: config.DATABASE_URL!, ackWaitMs, name }, busLog)
            : NatsTransport.open({ url: bus, prefix: config.BUS_PREFIX, ackWaitMs, name }, busLog),
        wait,
      );
      await services.bus.attach(transport, { consume: opts.consumeWork ?? true });
      services.readiness.set('bus', () => (transport.connected ? 'up' : 'down'));
    } catch (e) {
      await services.bus.close();
      await database.close();
      throw e;
    }
  }
  return services;
}
