import fs from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from '../../platform/db/migrate.js';
import { createTestApp } from '../../test-support/test-app.js';

// Migration 0019 rewrites the stored ID masks of existing residents from the 4+4 form, which
// showed the city digit the birth year then narrowed, to 3+4 (ADR 0021). The plain number is only
// in the ciphertext, so the new mask is derived from the old one.
describe('migration 0019', () => {
  it('rewrites stored 4+4 ID masks as 3+4 and leaves new ones as they are', async () => {
    const t = await createTestApp();
    const db = t.services.database.db;
    const text = fs.readFileSync(`${migrationsDir}/0019_resident_identifiers.sql`, 'utf8');
    const update = text.slice(
      text.indexOf('UPDATE residents'),
      text.indexOf(';', text.indexOf('UPDATE residents')),
    );
    const insert = (mask: string | null) =>
      db
        .insertInto('residents')
        .values({ org_unit_id: t.units.get('G1')!.id, name_enc: 'x', name_mask: '王*', id_number_mask: mask })
        .returning('id')
        .executeTakeFirstOrThrow();
    const old = await insert('4403**********123X');
    const current = await insert('440***********5678');
    const none = await insert(null);
    await sql.raw(update).execute(db);
    const masks = await db
      .selectFrom('residents')
      .select(['id', 'id_number_mask'])
      .where('id', 'in', [old.id, current.id, none.id])
      .execute();
    const byId = new Map(masks.map((m) => [m.id, m.id_number_mask]));
    expect(byId.get(old.id)).toBe('440***********123X');
    expect(byId.get(current.id)).toBe('440***********5678');
    expect(byId.get(none.id)).toBeNull();
  });
});
