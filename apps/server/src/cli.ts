#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { orgUnitTypes } from '@civitas/contracts/orgs';
import { role as roleSchema, department as departmentSchema } from '@civitas/contracts/roles';
import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from './config.js';
import { ensureDemo, demoBanner } from './demo/demo-loader.js';
import { AppError } from './platform/errors/errors.js';
import type { RequestContext } from './platform/auth/actor.js';
import { describeVerification } from './platform/audit/audit-verify-report.js';
import { DatabaseFileStore } from './platform/files/database-file-store.js';
import { migrateFilesToDatabase } from './platform/files/files-migration.js';
import { LocalFileStore } from './platform/files/local-file-store.js';
import { createLogger } from './platform/logging/logger.js';
import { openRuntime } from './runtime.js';
import type { Services } from './services.js';
import { writeMosquittoConfig } from './modules/devices/mosquitto-config.js';
import { defaultOrgImportMapping } from './modules/orgs/org-tree-import.js';
import { boundaryFromGeoJson, firstInstall, initialise, SetupError } from './setup/first-install.js';
import { registerKeyCommands } from './setup/key-cli.js';
import { version } from './version.js';

/** Operator commands: the same config, database and services as the server, without a browser. */
class UsageError extends Error {}

// Kept here and applied with process.exit at the end: PGlite's runtime resets process.exitCode on close.
let exitCode = 0;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const operator: RequestContext = {
  actor: null,
  requestId: `cli-${randomBytes(4).toString('hex')}`,
  ip: 'cli',
};

async function withServices<T>(
  fn: (s: Services) => Promise<T>,
  opts: { checkpoint: boolean } = { checkpoint: true },
): Promise<T> {
  const config = loadConfig(process.env);
  // A command enqueues work events; the server's jobs processes handle them.
  const services = await openRuntime(config, createLogger(process.env.LOG_LEVEL ?? 'warn'), {
    consumeWork: false,
  });
  try {
    return await fn(services);
  } finally {
    // What a command appended to the audit chain is anchored outside the database (ADR 0022).
    if (opts.checkpoint) await services.auditCheckpoints.final();
    await services.bus.close();
    await services.database.close();
  }
}

const program = new Command('civitas')
  .description('Civitas operator commands (configured by the same environment variables as the server)')
  .version(version)
  .exitOverride();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() => withServices(async () => out('database is up to date')));

/**
 * A value from its flag or, on a terminal, from a question; without a terminal (scripts, CI) a
 * missing value is a usage error naming the flag.
 */
async function ask(
  given: string | undefined,
  flag: string,
  question: string,
  fallback?: string,
): Promise<string> {
  if (given !== undefined && given.trim() !== '') return given;
  if (!process.stdin.isTTY) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`${flag} is required (no terminal to ask on)`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim();
    if (answer) return answer;
    if (fallback !== undefined) return fallback;
    throw new UsageError(`${flag} is required`);
  } finally {
    rl.close();
  }
}

/** The account behind a username given on the command line. */
async function userNamed(s: Services, username: string) {
  const u = await s.users.findByUsername(username);
  if (!u) throw new UsageError(`no user ${username}`);
  return u;
}

/** A password from a file, or a generated one the caller prints once. */
function passwordFrom(file: string | undefined): { password: string; generated: boolean } {
  if (file) return { password: fs.readFileSync(file, 'utf8').trim(), generated: false };
  return { password: randomBytes(15).toString('base64url'), generated: true };
}

program
  .command('init')
  .description(
    'set up an empty installation: the root district and the first system administrator ' +
      '(asks on a terminal for what the flags leave out)',
  )
  .option('--code <code>', 'code of the root district, e.g. 440306')
  .option('--name-zh <name>', 'Chinese name of the district')
  .option('--name-en <name>', 'English name of the district')
  .option('--boundary-file <file>', 'GeoJSON Polygon/MultiPolygon (or a Feature of one) of the district')
  .option('--admin <username>', 'username of the first system administrator')
  .option('--admin-name <name>', 'display name of the administrator')
  .option(
    '--password-file <file>',
    'read the password from this file (else one is generated and printed once)',
  )
  .action(
    (o: {
      code?: string;
      nameZh?: string;
      nameEn?: string;
      boundaryFile?: string;
      admin?: string;
      adminName?: string;
      passwordFile?: string;
    }) =>
      withServices(async (s) => {
        // Refuse before asking anything when there is nothing to set up.
        const roots = await s.orgs.roots();
        if (roots.length > 0)
          throw new SetupError(
            `this installation is already set up (root unit ${roots.map((r) => r.code).join(', ')}); ` +
              'add users with `civitas user create` and units in the web or with an org tree import',
          );
        const code = await ask(o.code, '--code', 'Code of the root district');
        const nameZh = await ask(o.nameZh, '--name-zh', 'District name in Chinese');
        const nameEn = await ask(o.nameEn, '--name-en', 'District name in English');
        const username = await ask(o.admin, '--admin', 'Username of the first system administrator', 'admin');
        const displayName = await ask(o.adminName, '--admin-name', 'Their display name', username);
        const boundary = o.boundaryFile
          ? boundaryFromGeoJson(fs.readFileSync(o.boundaryFile, 'utf8'), '--boundary-file')
          : null;
        const { password, generated } = passwordFrom(o.passwordFile);
        const input = firstInstall.safeParse({
          code,
          name: { 'zh-CN': nameZh, en: nameEn },
          boundary,
          admin: { username, displayName, password },
        });
        if (!input.success) {
          const flags: Record<string, string> = {
            code: '--code',
            'name.zh-CN': '--name-zh',
            'name.en': '--name-en',
            'admin.username': '--admin',
            'admin.displayName': '--admin-name',
            'admin.password': '--password-file',
          };
          const i = input.error.issues[0]!;
          const path = i.path.join('.');
          throw new UsageError(`${flags[path] ?? path}: ${i.message}`);
        }
        await initialise(s, operator, input.data);
        out(`created district ${input.data.code} (${nameZh} / ${nameEn})`);
        out(`created system administrator ${input.data.admin.username} on ${input.data.code}`);
        if (generated) out(`password (shown once): ${password}`);
        out('');
        out('Next:');
        out(
          `  1. Sign in as ${input.data.admin.username}. Two-factor sign-in must be set up first (My account, ` +
            'any TOTP authenticator app): until then the account holds no permission. A lost device: ' +
            `civitas user mfa-reset ${input.data.admin.username}`,
        );
        out(
          '  2. Import the org tree (Org units in the web, GeoJSON) and create users (Users, or civitas user create).',
        );
        out('  3. Register devices (Devices, or a CSV import); docs/operations.md walks through each step.');
      }),
  );

const user = program.command('user').description('manage users');
user
  .command('create')
  .description('create a user holding one role on one org unit')
  .requiredOption('--username <name>', 'login name')
  .requiredOption('--role <role>', `one of: ${roleSchema.options.join(', ')}`)
  .requiredOption('--unit <code>', 'org unit code the role is granted on')
  .option('--department <dept>', `for department_staff: ${departmentSchema.options.join(', ')}`)
  .option('--display-name <name>', 'name shown in the app')
  .option(
    '--password-file <file>',
    'read the password from this file (else one is generated and printed once)',
  )
  .action(
    (o: {
      username: string;
      role: string;
      unit: string;
      department?: string;
      displayName?: string;
      passwordFile?: string;
    }) =>
      withServices(async (s) => {
        const role = roleSchema.safeParse(o.role);
        if (!role.success) throw new UsageError(`--role: must be one of ${roleSchema.options.join(', ')}`);
        const dept = o.department === undefined ? null : departmentSchema.safeParse(o.department);
        if (dept && !dept.success)
          throw new UsageError(`--department: must be one of ${departmentSchema.options.join(', ')}`);
        const unit = await s.orgs.findByCode(o.unit);
        if (!unit) throw new UsageError(`--unit: no org unit with code ${o.unit}`);
        const generated = !o.passwordFile;
        const password = o.passwordFile
          ? fs.readFileSync(o.passwordFile, 'utf8').trim()
          : randomBytes(12).toString('base64url');
        const id = await s.users.createUnchecked(operator, {
          username: o.username,
          displayName: o.displayName ?? o.username,
          kind: role.data === 'resident' ? 'resident' : 'staff',
          password,
          grants: [{ role: role.data, orgUnitId: unit.id, department: dept?.data ?? null }],
        });
        out(`created user ${o.username} (${id}) as ${role.data} on ${unit.code}`);
        if (generated) out(`password (shown once): ${password}`);
      }),
  );
user
  .command('disable')
  .argument('<username>')
  .description('disable a user and end their sessions')
  .action((username: string) =>
    withServices(async (s) => {
      const u = await userNamed(s, username);
      await s.users.setDisabledAsOperator(operator, u.id, true);
      out(`disabled ${username}; their sessions are ended`);
    }),
  );

user
  .command('enable')
  .argument('<username>')
  .description('enable a disabled user')
  .action((username: string) =>
    withServices(async (s) => {
      const u = await userNamed(s, username);
      await s.users.setDisabledAsOperator(operator, u.id, false);
      out(`enabled ${username}`);
    }),
  );
user
  .command('password-reset')
  .argument('<username>')
  .option(
    '--password-file <file>',
    'read the new password from this file (else one is generated and printed once)',
  )
  .description('set a new password (account recovery); every session of the user ends')
  .action((username: string, o: { passwordFile?: string }) =>
    withServices(async (s) => {
      const u = await userNamed(s, username);
      const { password, generated } = passwordFrom(o.passwordFile);
      const ok = firstInstall.shape.admin.shape.password.safeParse(password);
      if (!ok.success) throw new UsageError(`--password-file: ${ok.error.issues[0]!.message}`);
      await s.users.resetPasswordAsOperator(operator, u.id, password);
      out(`new password set for ${username}; their sessions are ended`);
      if (generated) out(`password (shown once): ${password}`);
    }),
  );
user
  .command('mfa-reset')
  .argument('<username>')
  .description(
    'turn two-factor sign-in off for a user who lost their device; every session ends and an ' +
      'administrator must enrol again before any permission applies',
  )
  .action((username: string) =>
    withServices(async (s) => {
      const u = await userNamed(s, username);
      await s.users.resetMfaAsOperator(operator, u.id);
      out(`two-factor sign-in reset for ${username}; they enrol again at their next sign-in`);
    }),
  );

user
  .command('unlock')
  .argument('<username>')
  .description('clear the sign-in throttle of a user: every wait on the account starts over')
  .action((username: string) =>
    withServices(async (s) => {
      await s.users.unlockAsOperator(operator, (await userNamed(s, username)).id);
      out(`sign-in throttle cleared for ${username}`);
    }),
  );
user
  .command('set-role')
  .argument('<username>')
  .description('replace every grant of a user with one role on one org unit (a downgrade ends sessions)')
  .requiredOption('--role <role>', `one of: ${roleSchema.options.join(', ')}`)
  .requiredOption('--unit <code>', 'org unit code the role is granted on')
  .option('--department <dept>', `for department_staff: ${departmentSchema.options.join(', ')}`)
  .action((username: string, o: { role: string; unit: string; department?: string }) =>
    withServices(async (s) => {
      const role = roleSchema.safeParse(o.role);
      if (!role.success) throw new UsageError(`--role: must be one of ${roleSchema.options.join(', ')}`);
      const dept = o.department === undefined ? null : departmentSchema.safeParse(o.department);
      if (dept && !dept.success)
        throw new UsageError(`--department: must be one of ${departmentSchema.options.join(', ')}`);
      const unit = await s.orgs.findByCode(o.unit);
      if (!unit) throw new UsageError(`--unit: no org unit with code ${o.unit}`);
      const u = await userNamed(s, username);
      await s.users.setGrantsAsOperator(operator, u.id, [
        { role: role.data, orgUnitId: unit.id, department: dept?.data ?? null },
      ]);
      out(`${username} is now ${role.data} on ${unit.code}`);
    }),
  );

program
  .command('token')
  .description('API tokens')
  .command('create')
  .requiredOption('--user <username>', 'the user the token acts as')
  .option('--name <name>', 'what the token is for', 'cli')
  .description('create an API token (printed once; only its hash is stored)')
  .action((o: { user: string; name: string }) =>
    withServices(async (s) => {
      const u = await s.users.findByUsername(o.user);
      if (!u) throw new UsageError(`--user: no user ${o.user}`);
      const { token } = await s.auth.createTokenForUser(operator, u.id, o.name);
      out(token);
    }),
  );

program
  .command('audit')
  .description('audit log')
  .command('verify')
  .description('recompute the keyed hash chain and compare the signed checkpoints; exit 3 when broken')
  .action(() =>
    withServices(
      async (s) => {
        const r = await s.audit.verify();
        for (const line of describeVerification(r, s.audit.checkpoints?.dir ?? null)) out(line);
        if (!r.ok) exitCode = 3;
      },
      // Verifying writes nothing, not even a checkpoint of what it found.
      { checkpoint: false },
    ),
  );

registerKeyCommands(program, withServices, out, operator);

const importCommand = program.command('import').description('bulk imports');
importCommand
  .command('residents')
  .argument('<file>', 'CSV file (UTF-8, BOM optional)')
  .requiredOption('--as <username>', 'import with this user’s area and permissions')
  .description('import residents; prints a per-row report and exits 4 if any row was rejected')
  .action((file: string, o: { as: string }) =>
    withServices(async (s) => {
      if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
      const actor = await s.auth.actorForUser(o.as);
      if (!actor?.permissions.has('resident.import'))
        throw new UsageError(`--as: ${o.as} may not import residents`);
      const ctx = { ...operator, actor };
      const jobId = await s.imports.importNow(ctx, file, fs.readFileSync(file));
      const job = await s.imports.job(actor, jobId);
      out(`${job.imported_rows} imported, ${job.rejected_rows} rejected of ${job.total_rows ?? 0} rows`);
      for (const e of job.errors) out(`  line ${e.line}: ${e.message}`);
      if (job.rejected_rows > 0) exitCode = 4;
    }),
  );

importCommand
  .command('org-tree')
  .argument('<file>', 'GeoJSON FeatureCollection, one feature per unit')
  .option('--dry-run', 'check everything, boundaries included, and create nothing')
  .option('--code-prop <name>', 'property holding the unit code', defaultOrgImportMapping.code)
  .option('--parent-prop <name>', 'property holding the parent unit code', defaultOrgImportMapping.parent)
  .option('--name-zh-prop <name>', 'property holding the Chinese name', defaultOrgImportMapping.nameZh)
  .option('--name-en-prop <name>', 'property holding the English name', defaultOrgImportMapping.nameEn)
  .option('--level-prop <name>', 'property holding the level', defaultOrgImportMapping.level)
  .option(
    '--level <value=type...>',
    `how the file names a level, e.g. --level 8=street 10=community (types: ${orgUnitTypes.join(', ')})`,
  )
  .description(
    'import the org tree (streets, communities, grids …) from GeoJSON: all units or none; ' +
      'prints a report and exits 4 if anything was refused',
  )
  .action(
    (
      file: string,
      o: {
        dryRun?: boolean;
        codeProp: string;
        parentProp: string;
        nameZhProp: string;
        nameEnProp: string;
        levelProp: string;
        level?: string[];
      },
    ) =>
      withServices(async (s) => {
        if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
        const levels = { ...defaultOrgImportMapping.levels };
        for (const pair of o.level ?? []) {
          const [value, type] = pair.split('=');
          const t = orgUnitTypes.find((x) => x === type);
          if (!value || !t)
            throw new UsageError(`--level ${pair}: write value=type, type one of ${orgUnitTypes.join(', ')}`);
          levels[value] = t;
        }
        let json: unknown;
        try {
          json = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (e) {
          throw new UsageError(`${file}: not JSON (${(e as Error).message})`);
        }
        const r = await s.orgTreeImport.run(
          operator,
          json,
          {
            code: o.codeProp,
            parent: o.parentProp,
            nameZh: o.nameZhProp,
            nameEn: o.nameEnProp,
            level: o.levelProp,
            levels,
          },
          { dryRun: o.dryRun ?? false },
        );
        const counts = Object.entries(r.byType)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ');
        if (r.problems.length > 0) {
          out(`nothing imported: ${r.problems.length} problem(s) in ${r.features} features`);
          for (const p of r.problems)
            out(`  feature ${p.feature}${p.code ? ` (${p.code})` : ''}: ${p.message}`);
          exitCode = 4;
          return;
        }
        out(`${r.dryRun ? 'would import' : 'imported'} ${r.features} units: ${counts}`);
        if (r.englishFromChinese > 0)
          out(`  ${r.englishFromChinese} without an English name took the Chinese one; edit them in the web`);
      }),
  );

program
  .command('demo')
  .description('demo district')
  .command('load')
  .description('load the demo district (once per database)')
  .action(() =>
    withServices(async (s) => {
      const config = loadConfig(process.env);
      out(demoBanner(await ensureDemo(s, config.DEMO_PASSWORD), config.DEMO_PASSWORD));
    }),
  );

program
  .command('mqtt')
  .description('external MQTT broker')
  .command('mosquitto-config')
  .requiredOption('--out <dir>', 'directory for passwd, acl and mosquitto.conf')
  .option('--device-port <port>', 'listener for devices', '1883')
  .option('--platform-port <port>', 'listener for Civitas (MQTT_URL)', '1884')
  .option('--platform-host <host>', 'address of the Civitas listener', '127.0.0.1')
  .description(
    'write Mosquitto 2 password, ACL and listener files that isolate devices (docs/devices.md); ' +
      'the platform user is MQTT_USERNAME / MQTT_PASSWORD',
  )
  .action((o: { out: string; devicePort: string; platformPort: string; platformHost: string }) =>
    withServices(async (s) => {
      const config = loadConfig(process.env);
      if (!config.MQTT_USERNAME || !config.MQTT_PASSWORD)
        throw new UsageError(
          'set MQTT_USERNAME and MQTT_PASSWORD: the platform signs in to the broker with them',
        );
      const r = await writeMosquittoConfig(s.deviceSecrets, o.out, {
        platformUser: config.MQTT_USERNAME,
        platformPassword: config.MQTT_PASSWORD,
        devicePort: Number(o.devicePort),
        platformPort: Number(o.platformPort),
        platformHost: o.platformHost,
      });
      out(`wrote ${o.out}/passwd, acl, mosquitto.conf: ${r.devices} devices, ${r.groups} API key groups`);
      if (r.missing.devices.length + r.missing.groups.length > 0)
        out(
          `not included (no sealed credential; rotate the token or create a new key group): ` +
            [...r.missing.devices, ...r.missing.groups.map((g) => `group ${g}`)].join(', '),
        );
    }),
  );

program
  .command('files')
  .description('attachment store (FILE_STORE)')
  .command('migrate')
  .description(
    'copy every attachment from DATA_DIR/files into the database under the same key (FILE_STORE=database); ' +
      'safe to run again: what is already copied is checked and skipped',
  )
  .requiredOption('--to <store>', 'where to copy to: database')
  .action((o: { to: string }) =>
    withServices(async (s) => {
      if (o.to !== 'database') throw new UsageError('--to: only database can be migrated to');
      const config = loadConfig(process.env);
      if (!config.DATABASE_URL)
        throw new UsageError(
          'FILE_STORE=database needs DATABASE_URL: set it to the database the cluster uses',
        );
      const dir = path.join(config.dataDir, 'files');
      const r = await migrateFilesToDatabase(
        await LocalFileStore.open(dir),
        await DatabaseFileStore.open(s.database.db),
        out,
      );
      out(
        `${r.scanned} files in ${dir}: ${r.copied} copied (${r.bytesCopied} bytes), ` +
          `${r.present} already in the database, ${r.failed.length} failed`,
      );
      for (const f of r.failed) out(`  ${f.key}: ${f.problem}`);
      if (r.failed.length > 0) exitCode = 1;
      else out('every file is in the database: set FILE_STORE=database and restart the processes');
    }),
  );

program
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (e instanceof CommanderError) exitCode = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof ConfigError) fail(2, `config error: ${e.message}`);
    else if (e instanceof UsageError) fail(2, `civitas: ${e.message}`);
    else if (e instanceof SetupError) fail(1, `civitas: ${e.message}`);
    else if (e instanceof AppError) fail(1, `civitas: ${e.message}`);
    else fail(1, `civitas: ${e instanceof Error ? e.message : String(e)}`);
  })
  .finally(() => process.exit(exitCode));

function fail(code: number, line: string): void {
  process.stderr.write(`${line}\n`);
  exitCode = code;
}
