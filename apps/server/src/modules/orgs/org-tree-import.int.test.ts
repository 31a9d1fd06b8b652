import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { createServices } from '../../services.js';
import { createTestDatabase } from '../../test-support/test-database.js';
import { defaultOrgImportMapping } from './org-tree-import.js';

type Services = ReturnType<typeof createServices>;
let s: Services;
const ctx = { actor: null, requestId: 'test', ip: '127.0.0.1' };

/** A square of `size` degrees with its south-west corner at (lng, lat), far from any fixture. */
const square = (lng: number, lat: number, size: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});
const feature = (properties: Record<string, unknown>, geometry: unknown = null) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

/** A district, a street, a community and a grid, children before parents, levels named in Chinese. */
const tree = (prefix: string, lng: number) =>
  collection(
    feature(
      { code: `${prefix}-G1`, parent_code: `${prefix}-C1`, name_zh: '一网格', level: '网格' },
      square(lng + 0.01, 10.01, 0.01),
    ),
    feature(
      { code: `${prefix}-C1`, parent_code: `${prefix}-S1`, name_zh: '一社区', name_en: 'C1', level: '社区' },
      square(lng + 0.005, 10.005, 0.04),
    ),
    feature(
      { code: `${prefix}-S1`, parent_code: prefix, name_zh: '一街道', name_en: 'S1', level: '街道' },
      square(lng, 10, 0.05),
    ),
    feature({ code: prefix, name_zh: '测试区', name_en: 'Test', level: '区' }, square(lng - 0.01, 9.99, 0.2)),
  );

beforeAll(async () => {
  const database = await createTestDatabase();
  s = createServices({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database,
    cipher: new FieldCipher(randomBytes(32)),
    logger: pino({ level: 'silent' }),
  });
});

describe('org tree import from GeoJSON', () => {
  it('checks a whole tree on a dry run and creates nothing', async () => {
    const r = await s.orgTreeImport.run(ctx, tree('IMP1', 100), defaultOrgImportMapping, { dryRun: true });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ dryRun: true, applied: false, features: 4, englishFromChinese: 1 });
    expect(r.byType).toEqual({ district: 1, street: 1, community: 1, grid: 1 });
    expect(await s.orgs.findByCode('IMP1')).toBeUndefined();
  });

  it('creates the tree parent first, whatever the order of the file', async () => {
    const r = await s.orgTreeImport.run(ctx, tree('IMP2', 110));
    expect(r.problems).toEqual([]);
    expect(r.applied).toBe(true);
    const grid = await s.orgs.findByCode('IMP2-G1');
    const district = await s.orgs.findByCode('IMP2');
    expect(grid?.type).toBe('grid');
    expect(grid?.name_en).toBe('一网格');
    expect(grid?.path.startsWith(district!.path)).toBe(true);
    expect(grid?.depth).toBe(3);
  });

  it('reports every problem it can find before writing, and writes nothing', async () => {
    const r = await s.orgTreeImport.run(
      ctx,
      collection(
        feature({ code: 'IMP3', name_zh: '区', level: 'district' }),
        feature({ code: 'IMP3-S1', parent_code: 'NOWHERE', name_zh: '街', level: 'street' }),
        feature({ code: 'IMP3', name_zh: '又一个', level: 'district' }),
        feature({ code: 'IMP3-X', parent_code: 'IMP3', name_zh: '某', level: '小区' }),
        feature({ parent_code: 'IMP3', name_zh: '无码', level: 'street' }),
        feature(
          { code: 'IMP3-P', parent_code: 'IMP3', name_zh: '点', level: 'street' },
          { type: 'Point', coordinates: [1, 2] },
        ),
      ),
    );
    expect(r.applied).toBe(false);
    expect(r.problems.map((p) => `${p.feature}: ${p.message}`)).toEqual([
      '3: code IMP3 appears again (first in feature 1)',
      expect.stringMatching(/^4: level "小区" is not a known level/),
      '5: property "code" (the unit\'s code) is missing',
      '6: geometry: not a Polygon or MultiPolygon (found Point)',
    ]);
    const second = await s.orgTreeImport.run(
      ctx,
      collection(
        feature({ code: 'IMP4', name_zh: '区', level: 'district' }),
        feature({ code: 'IMP4-S1', parent_code: 'NOWHERE', name_zh: '街', level: 'street' }),
        feature({ code: 'IMP4-A', parent_code: 'IMP4-B', name_zh: '甲', level: 'street' }),
        feature({ code: 'IMP4-B', parent_code: 'IMP4-A', name_zh: '乙', level: 'street' }),
      ),
    );
    expect(second.problems.map((p) => p.message)).toEqual([
      'parent NOWHERE is neither in the file nor an existing unit',
      'IMP4-A is its own ancestor',
    ]);
    expect(await s.orgs.findByCode('IMP4')).toBeUndefined();
  });

  it('all or nothing: a grid outside its community refuses the whole file, with the figure', async () => {
    const file = tree('IMP5', 120);
    // The grid moves 1° east: far outside its community.
    (file.features[0] as { geometry: unknown }).geometry = square(121, 10, 0.01);
    const r = await s.orgTreeImport.run(ctx, file);
    expect(r.applied).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ feature: 1, code: 'IMP5-G1' });
    expect(r.problems[0]!.message).toMatch(/outside community IMP5-C1/);
    expect(await s.orgs.findByCode('IMP5')).toBeUndefined();
  });

  it('reads another file’s properties and levels through the mapping (an OSM export)', async () => {
    const osm = collection(
      feature({ ref: 'OSM1', name: '奥区', 'name:en': 'Osm', admin_level: 6 }, square(130, 10, 0.2)),
      feature({ ref: 'OSM1-S', up: 'OSM1', name: '奥街', admin_level: 8 }, square(130.01, 10.01, 0.05)),
    );
    const r = await s.orgTreeImport.run(ctx, osm, {
      code: 'ref',
      parent: 'up',
      nameZh: 'name',
      nameEn: 'name:en',
      level: 'admin_level',
      levels: { '6': 'district', '8': 'street' },
    });
    expect(r.problems).toEqual([]);
    expect((await s.orgs.findByCode('OSM1-S'))?.type).toBe('street');
  });
});
