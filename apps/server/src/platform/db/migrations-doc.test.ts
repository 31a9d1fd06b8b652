import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.js';

const doc = fs.readFileSync(new URL('../../../../../docs/migrations.md', import.meta.url), 'utf8');

describe('docs/migrations.md', () => {
  it('lists every migration, in order, with what it does and what it costs an upgrade', () => {
    const rows = [...doc.matchAll(/^\|\s*`(\d{4}_[a-z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|\s*$/gm)];
    expect(rows.map((r) => r[1])).toEqual(loadMigrations().map((m) => m.version));
    for (const [, version, what, cost] of rows) {
      expect(what?.trim(), `${version}: what it does`).not.toBe('');
      expect(cost?.trim(), `${version}: its cost`).not.toBe('');
    }
  });
});
