import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test-support/test-app.js';
import { createTestDatabase } from '../../test-support/test-database.js';
import { PLATFORM_TABLES } from '../module/module.js';

/**
 * The table types the code queries through (platform/db/schema.ts and each module's
 * `*.tables.ts`) against the schema the migrations produce, on both engines: a column added in a
 * migration but not declared, or declared but never created, fails here instead of at run time.
 */
const src = fileURLToPath(new URL('../../', import.meta.url));

/** Every table and its columns, read from the exported `DB` types with the TypeScript checker. */
function declaredTables(): Map<string, Set<string>> {
  const files = [
    path.join(src, 'platform/db/schema.ts'),
    ...fs
      .readdirSync(path.join(src, 'modules'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.tables.ts'))
      .map((f) => path.join(src, 'modules', f)),
  ];
  const program = ts.createProgram(files, {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const tables = new Map<string, Set<string>>();
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      // `DB` in the platform; `<Module>DB` (DB joined with the module's own tables) in modules.
      if (!/DB$/.test(exported.name)) continue;
      const type = checker.getDeclaredTypeOfSymbol(exported);
      for (const table of checker.getPropertiesOfType(type)) {
        const tableType = checker.getTypeOfSymbol(table);
        const columns = tables.get(table.name) ?? new Set<string>();
        for (const column of checker.getPropertiesOfType(tableType)) columns.add(column.name);
        tables.set(table.name, columns);
      }
    }
  }
  return tables;
}

/** Tables (and views) the migrations create, with their columns. */
async function actualTables(db: Kysely<DB>) {
  return sql<{ table_name: string; column_name: string }>`
    SELECT c.relname AS table_name, a.attname AS column_name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
      AND c.relname <> 'schema_migrations'`.execute(db);
}

describe('schema drift', () => {
  it('declares exactly the tables and columns the migrations create', async () => {
    const { db } = await createTestDatabase();
    const rows = await actualTables(db);
    const actual = new Map<string, Set<string>>();
    for (const r of rows.rows)
      actual.set(r.table_name, (actual.get(r.table_name) ?? new Set()).add(r.column_name));
    const declared = declaredTables();
    const drift: string[] = [];
    for (const t of new Set([...declared.keys(), ...actual.keys()])) {
      const d = declared.get(t);
      const a = actual.get(t);
      if (!d) drift.push(`${t}: created by the migrations, declared nowhere`);
      else if (!a) drift.push(`${t}: declared, but no migration creates it`);
      else {
        for (const c of a) if (!d.has(c)) drift.push(`${t}.${c}: in the database, not declared`);
        for (const c of d) if (!a.has(c)) drift.push(`${t}.${c}: declared, not in the database`);
      }
    }
    expect(declared.size).toBeGreaterThan(30);
    expect(drift.sort()).toEqual([]);
  });

  it('gives every table exactly one owner: a module manifest or the platform (ADR 0030)', async () => {
    const t = await createTestApp();
    const owners = new Map<string, string[]>();
    const own = (table: string, owner: string) => owners.set(table, [...(owners.get(table) ?? []), owner]);
    for (const m of t.services.modules) for (const table of m.tables) own(table, m.name);
    for (const table of PLATFORM_TABLES) own(table, 'platform');
    const actual = new Set((await actualTables(t.services.db)).rows.map((r) => r.table_name));
    const problems: string[] = [];
    for (const table of actual)
      if (!owners.has(table)) problems.push(`${table}: no module's manifest owns it`);
    for (const [table, by] of owners) {
      if (!actual.has(table))
        problems.push(`${table}: owned by ${by.join(', ')}, but no migration creates it`);
      if (by.length > 1) problems.push(`${table}: owned by ${by.join(' and ')}`);
    }
    expect(problems.sort()).toEqual([]);
    expect(actual.size).toBeGreaterThan(30);
  });
});
