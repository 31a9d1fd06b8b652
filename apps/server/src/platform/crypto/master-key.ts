import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function parseKey(text: string, source: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== 32) throw new KeyError(`${source}: must hold 32 bytes as 64 hex characters or base64`);
  return buf;
}

export class KeyError extends Error {}

/**
 * Finds the master key: SECRET_KEY, else SECRET_KEY_FILE, else DATA_DIR/secret.key, which an
 * embedded first start creates (mode 0600). The key is never logged or printed.
 */
export function resolveMasterKey(opts: {
  secretKey?: string | undefined;
  secretKeyFile?: string | undefined;
  dataDir: string;
  allowGenerate: boolean;
}): { key: Buffer; source: string; generated: boolean } {
  if (opts.secretKey)
    return { key: parseKey(opts.secretKey, 'SECRET_KEY'), source: 'SECRET_KEY', generated: false };
  const file = opts.secretKeyFile ?? path.join(opts.dataDir, 'secret.key');
  const variable = opts.secretKeyFile ? 'SECRET_KEY_FILE' : 'SECRET_KEY';
  if (fs.existsSync(file)) {
    return {
      key: parseKey(fs.readFileSync(file, 'utf8'), `${variable} (${file})`),
      source: file,
      generated: false,
    };
  }
  if (!opts.allowGenerate || opts.secretKeyFile)
    throw new KeyError(`${variable}: key file ${file} does not exist`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: file, generated: true };
}

/**
 * The keys SECRET_KEY replaced (SECRET_KEY_PREVIOUS, comma-separated, or SECRET_KEY_PREVIOUS_FILE,
 * one per line): read-only members of the keyring during a rotation (ADR 0042).
 */
export function resolvePreviousKeys(opts: {
  previous?: string | undefined;
  previousFile?: string | undefined;
}): Buffer[] {
  if (opts.previous)
    return opts.previous
      .split(',')
      .filter((t) => t.trim() !== '')
      .map((t, i) => parseKey(t, `SECRET_KEY_PREVIOUS: key ${i + 1}`));
  if (!opts.previousFile) return [];
  if (!fs.existsSync(opts.previousFile))
    throw new KeyError(`SECRET_KEY_PREVIOUS_FILE: key file ${opts.previousFile} does not exist`);
  return fs
    .readFileSync(opts.previousFile, 'utf8')
    .split('\n')
    .filter((t) => t.trim() !== '')
    .map((t, i) => parseKey(t, `SECRET_KEY_PREVIOUS_FILE: line ${i + 1}`));
}
