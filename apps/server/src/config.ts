import path from 'node:path';
import { z } from 'zod';
import { parseTrustedProxies, type TrustedProxies } from './platform/http/trusted-proxies.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

/**
 * Every setting Civitas reads. Each key is the environment variable's name; the doc comment,
 * default and rule here are mirrored in docs/configuration.md (a test checks they agree).
 */
export const configSchema = z.object({
  /** HTTP port. 0 picks a free port. */
  PORT: port.default(8080),
  /** Interface to listen on. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where embedded data (PGlite database, key file, uploads) lives. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL connection URL. When set, PostgreSQL is used instead of embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Largest number of PostgreSQL connections this process opens. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** MQTT listener port of the embedded broker (used by the perception layer). 0 disables it. */
  MQTT_PORT: port.default(1883),
  /** Key for personal-field encryption: 32 bytes as 64 hex characters or base64. */
  SECRET_KEY: z.string().optional(),
  /** File holding SECRET_KEY. Default: DATA_DIR/secret.key, created on first embedded start. */
  SECRET_KEY_FILE: z.string().optional(),
  /** Previous keys, comma-separated, still read while `civitas key rotate` runs (ADR 0042). */
  SECRET_KEY_PREVIOUS: z.string().optional(),
  /** File holding the previous keys, one per line (instead of SECRET_KEY_PREVIOUS). */
  SECRET_KEY_PREVIOUS_FILE: z.string().optional(),
  /** Load the demo district on first start. */
  DEMO: bool.optional(),
  /** Password shared by every demo login. */
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('civitas-demo-2026'),
  /** pino log level. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Log lines as JSON, or readable (pino-pretty); `auto`: readable when stdout is a terminal. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { message: 'must be auto, json or pretty' }).default('auto'),
  /** Map tile URL template for the web map, e.g. https://tile.example.org/{z}/{x}/{y}.png. Empty: no tiles. */
  MAP_TILE_URL: z.string().default(''),
  /** Attribution shown for the tiles. */
  MAP_TILE_ATTRIBUTION: z.string().default(''),
  /** Send cookies with the Secure flag. Turn on behind HTTPS. */
  COOKIE_SECURE: bool.default(false),
  /** Idle session lifetime in minutes. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(1440).default(120),
  /** Absolute session lifetime in hours. */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  /** Sign-in attempts one source may make on one account per minute before it must wait (delays grow, ADR 0022). */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** Failed sign-ins per hour from one source, over all accounts, before that source must wait. */
  LOGIN_SOURCE_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Failed sign-ins per hour on one account, from all sources, beyond which each new source gets one attempt before waiting. */
  LOGIN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Where signed audit checkpoints are written. Default: DATA_DIR/audit-checkpoints. */
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  /** Minutes between audit checkpoints (one is also written at start and at shutdown). */
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** Largest accepted request body in bytes (CSV imports included). */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(1_048_576),
  /** Largest accepted upload (CSV import) in bytes. */
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(52_428_800),
  /** Time budget of one HTTP request in ms; beyond it the answer is 503 and its work is stopped (ADR 0019). */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Time budget of a request that uploads a file (multipart), body transfer included. */
  UPLOAD_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** Where attachments (case photos, documents) are stored: `local` (DATA_DIR/files) or `database` (shared by a cluster; needs DATABASE_URL; ADR 0040). */
  FILE_STORE: z.enum(['local', 'database'], { message: 'must be local or database' }).default('local'),
  /** Minutes between sweeps for stored files no attachment points at (also one sweep at start). */
  FILE_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /** Largest accepted attachment in bytes; held in memory while inspected, hence the low ceiling. */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(104_857_600).default(10_485_760),
  /** Require TOTP for system admins (always off in demo mode). */
  REQUIRE_ADMIN_MFA: bool.default(true),
  /** Exact searches by phone or ID number one user may make per window (a reveal each; ADR 0021). */
  IDENTIFIER_SEARCH_LIMIT: z.coerce.number().int().min(1).max(10_000).default(30),
  /** The window of IDENTIFIER_SEARCH_LIMIT, in minutes. */
  IDENTIFIER_SEARCH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** Searches by name one user may make per window (audited, results masked; ADR 0045). */
  NAME_SEARCH_LIMIT: z.coerce.number().int().min(1).max(10_000).default(60),
  /** The window of NAME_SEARCH_LIMIT, in minutes. */
  NAME_SEARCH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /**
   * Reverse proxies whose X-Forwarded-For/-Proto/-Host are believed: a comma list of IPs, CIDR
   * ranges and `loopback`. Unset: none, the socket address is the client (ADR 0035).
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v, ctx): TrustedProxies => {
      const parsed = parseTrustedProxies(v ?? '');
      if (parsed.ok) return parsed.proxies;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  /** External MQTT broker (e.g. mqtt://127.0.0.1:1883). When set, Civitas subscribes there instead of running its own broker. */
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\/|^wss?:\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://')
    .optional(),
  /**
   * Client id at the external broker; keep it stable so the persistent session survives restarts.
   * Unset: `civitas-<host>-<role>-<INSTANCE>`, stable across restarts.
   */
  MQTT_CLIENT_ID: z.string().min(1).max(64).optional(),
  /** Tells apart processes of the same roles on one host in the default MQTT_CLIENT_ID. */
  INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "_" or "-"')
    .default('0'),
  /** Shared-subscription group at the external broker; empty: plain subscriptions (one subscribing process). */
  MQTT_SHARED_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, "_" or "-"')
    .default('civitas'),
  /** Connections this process opens in the shared group. */
  MQTT_SUBSCRIBER_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(32),
  /** QoS 1 messages one subscriber connection holds waiting for their commit (its Receive Maximum). */
  MQTT_SUBSCRIBER_INFLIGHT: z.coerce.number().int().min(1).max(1000).default(20),
  /** Username and password Civitas uses at the external broker. */
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  /** Largest accepted device message in bytes (MQTT and HTTP ingestion). */
  MQTT_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(64).max(16_777_216).default(65_536),
  /** Messages per second a device may send on average, and the burst allowed above that. */
  DEVICE_RATE_LIMIT: z.coerce.number().min(0.01).max(100_000).default(50),
  DEVICE_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Readings held in memory waiting for the database at most; beyond it publishers are slowed. */
  TELEMETRY_BUFFER: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  /** Readings written per transaction at most. */
  TELEMETRY_BATCH: z.coerce.number().int().min(1).max(100_000).default(5_000),
  /**
   * Group commits of telemetry in flight at once, each on its own PostgreSQL connection (ADR 0028).
   * Unset: half of DATABASE_POOL_SIZE, at most 4. PGlite always uses 1.
   */
  TELEMETRY_WRITE_LANES: z.coerce.number().int().min(1).max(32).optional(),
  /** Readings stamped further ahead than this many seconds are refused. */
  TELEMETRY_MAX_FUTURE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Run a small device simulator in demo mode so the dashboard is alive. */
  DEMO_SIMULATOR: bool.default(true),
  /** Seconds between runs of the case deadline job (reminders and automatic escalation). */
  CASE_DEADLINE_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** A case deadline reminder goes out when less than this share (percent) of its window is left. */
  CASE_REMINDER_LEAD_PERCENT: z.coerce.number().int().min(1).max(90).default(20),
  /** Target share (percent) of cases answered within their response deadline; the home flags figures below it. */
  TARGET_RESPONSE_ON_TIME_PERCENT: z.coerce.number().min(0).max(100).default(90),
  /** Target share (percent) of cases resolved within their resolution deadline. */
  TARGET_RESOLUTION_ON_TIME_PERCENT: z.coerce.number().min(0).max(100).default(85),
  /** Target mean satisfaction of confirmed cases, on the 1–5 scale residents rate with. */
  TARGET_SATISFACTION: z.coerce.number().min(1).max(5).default(4.5),
  /** An open case whose deadline is this many hours away or less counts as "due soon" on the homes. */
  HOME_DUE_SOON_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /**
   * What carries the event bus between processes: nats://host:port (NATS with JetStream, a comma
   * list for a cluster), `postgres` (the database's LISTEN/NOTIFY and a work table) or `in-process`.
   * Unset: `postgres` on DATABASE_URL, `in-process` on embedded storage.
   */
  BUS_URL: z
    .string()
    .regex(
      /^((nats|tls):\/\/[^,\s]+(,(nats|tls):\/\/[^,\s]+)*|postgres|in-process)$/,
      'must be nats://host:port (or a comma list of them), postgres, or in-process',
    )
    .optional(),
  /** Prefix of the bus's subjects and stream, so several installations can share one NATS. */
  BUS_PREFIX: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,31}$/,
      'must be 1-32 lower-case letters, digits, - or _, starting with a letter',
    )
    .default('civitas'),
  /** Seconds a work-queued event may go unacknowledged before another process is offered it. */
  BUS_ACK_WAIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Redis for the routes' rate limits (ADR 0036): redis://host:port. Unset: they count in the database. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Prefix of the rate-limit keys, so several installations can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,31}$/,
      'must be 1-32 lower-case letters, digits, - or _, starting with a letter',
    )
    .default('civitas'),
  /** Seconds to keep retrying DATABASE_URL, MQTT_URL and BUS_URL at start; 0 fails at once (ADR 0038). */
  STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Seconds a SIGTERM/SIGINT stop may take before the process logs what is still open and exits 1. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  /** What this process does: all, or a comma list of web (HTTP), ingest (MQTT), jobs (periodic jobs). `--role=` overrides it. */
  ROLE: z
    .string()
    .default('all')
    .transform((v) => v.split(',').map((r) => r.trim()))
    .pipe(
      z
        .array(
          z.enum(['all', 'web', 'ingest', 'jobs'], {
            message: 'must be all, or a comma list of web, ingest, jobs',
          }),
        )
        .min(1),
    )
    .transform((roles): Role[] =>
      roles.includes('all') ? ['web', 'ingest', 'jobs'] : [...new Set(roles as Role[])],
    ),
});

/** The parts of Civitas a process runs (ROLE, ADR 0023). */
export type Role = 'web' | 'ingest' | 'jobs';

export type Config = z.infer<typeof configSchema> & { demo: boolean; dataDir: string };

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

/**
 * Parses the environment. `demoDefault` is what `npm start` passes so that a first start shows a
 * living district, while a bare server binary stays empty unless asked; `role` is `--role=`.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  opts: { demoDefault?: boolean; role?: string } = {},
): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') relevant[key] = v;
  }
  if (opts.role !== undefined) relevant.ROLE = opts.role;
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'config');
    throw new ConfigError(variable, issue?.message ?? 'invalid');
  }
  const c = parsed.data;
  if (c.SECRET_KEY && c.SECRET_KEY_FILE) {
    throw new ConfigError('SECRET_KEY', 'set either SECRET_KEY or SECRET_KEY_FILE, not both');
  }
  if (c.SECRET_KEY_PREVIOUS && c.SECRET_KEY_PREVIOUS_FILE) {
    throw new ConfigError(
      'SECRET_KEY_PREVIOUS',
      'set either SECRET_KEY_PREVIOUS or SECRET_KEY_PREVIOUS_FILE, not both',
    );
  }
  if (!c.DATABASE_URL && c.ROLE.length < 3) {
    // Embedded storage is one process: a role left out there would never run anywhere.
    throw new ConfigError('ROLE', 'must be all on embedded storage; roles split a cluster on DATABASE_URL');
  }
  if (c.BUS_URL === 'postgres' && !c.DATABASE_URL) {
    throw new ConfigError('BUS_URL', 'postgres needs DATABASE_URL; embedded storage is one process');
  }
  if (c.FILE_STORE === 'database' && !c.DATABASE_URL) {
    throw new ConfigError(
      'FILE_STORE',
      'database needs DATABASE_URL; on embedded storage attachments stay local',
    );
  }
  if (c.DATABASE_URL && !c.SECRET_KEY && !c.SECRET_KEY_FILE) {
    // Several processes share one database, so a key generated on one machine would strand the data.
    throw new ConfigError('SECRET_KEY', 'required (or SECRET_KEY_FILE) when DATABASE_URL is set');
  }
  return { ...c, demo: c.DEMO ?? opts.demoDefault ?? false, dataDir: path.resolve(c.DATA_DIR) };
}
