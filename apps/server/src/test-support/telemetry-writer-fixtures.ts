import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Database } from '../platform/db/database.js';
import { seedFixture } from './fixtures.js';
import { createServices } from '../services.js';
import { loadConfig } from '../config.js';
import { FieldCipher } from '../platform/crypto/field-cipher.js';
import type { WriteBatch } from '../modules/telemetry/telemetry-writer.js';

// Fixtures of the writer's integration tests (telemetry-writer*.int.test.ts).

/** Registers `n` air-quality devices directly, for writer tests that bypass HTTP. */
export async function devices(database: Database, n: number): Promise<string[]> {
  const services = createServices({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database,
    cipher: new FieldCipher(randomBytes(32)),
    logger: pino({ level: 'silent' }),
  });
  await services.devices.ensureBuiltinProfiles();
  const units = await seedFixture(services);
  const ids = await database.db.transaction().execute((trx) =>
    services.deviceSeeding.insertWithin(
      trx,
      Array.from({ length: n }, (_, i) => ({
        code: `W-${i}`,
        name: `w${i}`,
        profile: 'air-quality',
        orgUnitId: units.get('G1')!.id,
        lat: 22.55,
        lng: 113.82,
        installDate: null,
      })),
    ),
  );
  return ids;
}

export const batch = (deviceId: string, from: number, n: number, txt: string | null = null): WriteBatch => ({
  deviceId,
  code: 'W',
  orgUnitPath: '/',
  readings: Array.from({ length: n }, (_, i) => ({
    deviceId,
    metric: 'pm25',
    ts: new Date(from + i * 1000),
    num: txt === null ? i : null,
    txt,
    outlier: false,
  })),
  events: [],
  rejections: new Map(),
  lastError: null,
});

export const stored = async (database: Database, deviceId: string) =>
  Number(
    (
      await database.db
        .selectFrom('telemetry')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_id', '=', deviceId)
        .executeTakeFirstOrThrow()
    ).n,
  );
