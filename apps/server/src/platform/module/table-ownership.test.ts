import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLATFORM_TABLES, type ModuleDefinition } from './module.js';

/**
 * Which tables each module's SQL touches, read from its source: Kysely's builder calls
 * (`selectFrom('t')`, `innerJoin('t as x', …)`, `insertInto`, `updateTable`, `deleteFrom`) and
 * raw SQL (`FROM t`, `JOIN t`, `UPDATE t`, `INSERT INTO t`, `DELETE FROM t`). A module may touch
 * its own tables and the platform's; another module's only where its manifest lists the read or
 * the write (ADR 0030), so a new crossing fails here until someone decides it in the manifest.
 */
const modulesDir = fileURLToPath(new URL('../../modules/', import.meta.url));

type AnyModule = ModuleDefinition<string, object, object>;

async function manifests(): Promise<{ dir: string; module: AnyModule }[]> {
  const files = fs
    .readdirSync(modulesDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.module.ts'));
  const out = [];
  for (const f of files) {
    const exported = (await import(path.join(modulesDir, f))) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (value && typeof value === 'object' && 'name' in value && 'tables' in value && 'create' in value)
        out.push({ dir: path.dirname(path.join(modulesDir, f)), module: value as AnyModule });
    }
  }
  return out;
}

const BUILDER =
  /\.(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)\(\s*'([a-z_0-9]+)/g;
const RAW = /\b(FROM|JOIN|UPDATE|INSERT INTO|DELETE FROM)\s+([a-z_][a-z_0-9]*)\b/g;
const WRITES = new Set(['insertInto', 'updateTable', 'deleteFrom', 'UPDATE', 'INSERT INTO', 'DELETE FROM']);

export function touches(source: string): { table: string; write: boolean }[] {
  const out = [];
  for (const re of [BUILDER, RAW])
    for (const m of source.matchAll(re)) out.push({ table: m[2]!, write: WRITES.has(m[1]!) });
  return out;
}

describe('table ownership', () => {
  it('finds reads and writes in builder calls and raw SQL (so the check below can fail)', () => {
    expect(
      touches(
        "db.selectFrom('cases as c').leftJoin('users as u', 'u.id', 'c.x'); sql`UPDATE devices SET a = 1 FROM org_units`",
      ),
    ).toEqual([
      { table: 'cases', write: false },
      { table: 'users', write: false },
      { table: 'devices', write: true },
      { table: 'org_units', write: false },
    ]);
  });

  it("lets a module's SQL touch another owner's table only where its manifest lists it", async () => {
    const all = await manifests();
    const owner = new Map<string, string>(PLATFORM_TABLES.map((t) => [t, 'platform']));
    for (const { module } of all) for (const t of module.tables) owner.set(t, module.name);
    const problems = new Set<string>();
    const used = new Map<string, Set<string>>();
    for (const { dir, module } of all) {
      const files = fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.includes('.test.') && !f.endsWith('.tables.ts'));
      const seen = new Set<string>();
      for (const f of files) {
        for (const { table, write } of touches(fs.readFileSync(path.join(dir, f), 'utf8'))) {
          const by = owner.get(table);
          if (!by || by === 'platform' || by === module.name) continue;
          const listed = write ? module.writes : module.reads;
          seen.add(`${write ? 'w' : 'r'}:${table}`);
          if (!listed?.includes(table))
            problems.add(
              `${module.name} ${write ? 'writes' : 'reads'} ${by}'s ${table} (${f}) without listing it in its manifest's ${write ? 'writes' : 'reads'}`,
            );
        }
      }
      used.set(module.name, seen);
      // A listed crossing that no code makes any more is stale: drop it from the manifest.
      for (const t of module.reads ?? [])
        if (!seen.has(`r:${t}`)) problems.add(`${module.name} lists a read of ${t} that no code makes`);
      for (const t of module.writes ?? [])
        if (!seen.has(`w:${t}`)) problems.add(`${module.name} lists a write of ${t} that no code makes`);
    }
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect([...problems].sort()).toEqual([]);
  });
});
