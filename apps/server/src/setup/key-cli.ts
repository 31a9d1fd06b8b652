import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { RequestContext } from '../platform/auth/actor.js';
import type { Services } from '../services.js';
import { rotateKeys } from './key-rotation.js';
import { keyStatus } from './key-status.js';

type WithServices = <T>(fn: (s: Services) => Promise<T>) => Promise<T>;

/** `civitas key generate|rotate|status` (ADR 0042; procedure in docs/operations.md). */
export function registerKeyCommands(
  program: Command,
  withServices: WithServices,
  out: (line: string) => void,
  operator: RequestContext,
): void {
  const key = program.command('key').description('the SECRET_KEY keyring');
  key
    .command('generate')
    .description('print a new random key (64 hex characters) for SECRET_KEY')
    .action(() => out(randomBytes(32).toString('hex')));
  key
    .command('rotate')
    .description('re-encrypt every personal field and blind index under SECRET_KEY; resumable, online')
    .option('--batch <rows>', 'rows per transaction', '500')
    .action((o: { batch: string }) =>
      withServices(async (s) => {
        const batchSize = Number(o.batch);
        if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10000)
          throw new Error('--batch must be a whole number from 1 to 10000');
        out(`rotating to key ${s.cipher.fingerprint}`);
        const results = await rotateKeys(s.database.db, s.cipher, s.audit, operator, { batchSize });
        for (const r of results)
          out(
            `${r.table}: ${r.scanned} rows scanned, ${r.rewritten} rewritten${r.resumed ? ' (resumed)' : ''}`,
          );
        const status = await keyStatus(s.database.db, s.cipher);
        out(
          status.previousRemovable
            ? 'done: every value is under the current key; SECRET_KEY_PREVIOUS can be removed'
            : 'values remain under other keys: see `civitas key status`',
        );
      }),
    );
  key
    .command('status')
    .description('per column, how many values are under which key')
    .action(() =>
      withServices(async (s) => {
        const st = await keyStatus(s.database.db, s.cipher);
        out(`current key ${st.current}; previous: ${st.previous.join(', ') || 'none'}`);
        for (const c of st.columns) {
          const keys = Object.entries(c.byKey).map(
            ([k, n]) => `${k === st.current ? `${k} (current)` : k}: ${n}`,
          );
          out(`${c.column}: ${keys.join(', ') || 'no values'}`);
        }
        out(
          st.previousRemovable
            ? 'every value is under the current key: SECRET_KEY_PREVIOUS can be removed'
            : 'some values still need a previous key: keep SECRET_KEY_PREVIOUS and run `civitas key rotate`',
        );
      }),
    );
}
