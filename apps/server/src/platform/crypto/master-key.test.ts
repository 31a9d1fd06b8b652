import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { KeyError, resolvePreviousKeys } from './master-key.js';

describe('SECRET_KEY_PREVIOUS', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it('reads a comma list in hex or base64, or a file with one key per line', () => {
    expect(resolvePreviousKeys({ previous: `${a.toString('hex')}, ${b.toString('base64')}` })).toEqual([
      a,
      b,
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-keys-')), 'previous');
    fs.writeFileSync(file, `${a.toString('hex')}\n\n${b.toString('hex')}\n`);
    expect(resolvePreviousKeys({ previousFile: file })).toEqual([a, b]);
    expect(resolvePreviousKeys({})).toEqual([]);
  });

  it('names the setting and the position of a malformed key, and a missing file', () => {
    expect(() => resolvePreviousKeys({ previous: `${a.toString('hex')},abc` })).toThrow(
      /^SECRET_KEY_PREVIOUS: key 2: must hold 32 bytes/,
    );
    expect(() => resolvePreviousKeys({ previousFile: '/nonexistent/previous' })).toThrow(KeyError);
    expect(() => resolvePreviousKeys({ previousFile: '/nonexistent/previous' })).toThrow(
      /^SECRET_KEY_PREVIOUS_FILE: key file/,
    );
  });

  it('refuses both settings at once', () => {
    expect(() => loadConfig({ SECRET_KEY_PREVIOUS: 'x', SECRET_KEY_PREVIOUS_FILE: '/x' })).toThrow(
      /SECRET_KEY_PREVIOUS or SECRET_KEY_PREVIOUS_FILE, not both/,
    );
  });
});
