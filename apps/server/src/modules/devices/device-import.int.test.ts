import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGbk } from '../../test-support/gbk.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
let ca1: Client;
// Everything the server logs, to show no minted token is ever written there.
let logged = '';
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logged += chunk.toString();
    done();
  },
});
beforeAll(async () => {
  t = await createTestApp({}, { logger: pino({ level: 'trace' }, sink) });
  ca1 = await t.login('ca1');
});

const waitDone = async (client: Client, id: string) => {
  for (let i = 0; i < 600; i++) {
    const job = (await client.get(`/api/v1/imports/${id}`)).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('import did not finish');
};

describe('device CSV import', () => {
  it('creates good rows, reports bad ones by line, and honours given access tokens', async () => {
    const token = 'tb-flashed-token-0001-abcdef';
    const csv = [
      'code,name,profile,lat,lng,install_date,access_token',
      `CSV-1,Air one,air-quality,22.55,113.82,2025-01-02,${token}`,
      'CSV-2,Bin,waste-bin,22.56,113.83,,',
      'CSV-3,Nope,teleporter,22.56,113.83,,',
      'CSV-4,Far,noise,30.0,120.0,,',
      'CSV-5,Other community,noise,22.65,113.85,,',
      'CSV-1,Duplicate,noise,22.55,113.82,,',
      'CSV-7,Bad lat,noise,north,113.82,,',
    ].join('\n');
    const res = await ca1.upload('/api/v1/devices/import', `\uFEFF${csv}`);
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitDone(ca1, res.json().id);
    expect(job).toMatchObject({ status: 'done', totalRows: 7, importedRows: 2, rejectedRows: 5 });
    const byLine = Object.fromEntries(
      job.errors.map((e: { line: number; message: string }) => [e.line, e.message]),
    );
    expect(byLine[4]).toMatch(/profile/);
    expect(byLine[5]).toMatch(/outside every org unit/);
    expect(byLine[6]).toMatch(/permission/);
    expect(byLine[7]).toMatch(/already exists/);
    expect(byLine[8]).toMatch(/lat/);
    const ingest = await t.app.inject({
      method: 'POST',
      url: `/api/v1/ingest/${token}/telemetry`,
      headers: { 'content-type': 'application/json' },
      payload: { pm25: 9 },
    });
    expect(ingest.json()).toEqual({ accepted: 1, rejected: [] });
    const gw2 = await t.login('gw2');
    expect((await gw2.get(`/api/v1/imports/${res.json().id}`)).statusCode).toBe(404);
  });

  it('refuses a file with unknown columns before starting', async () => {
    const res = await ca1.upload('/api/v1/devices/import', 'code,name,colour\nx,y,z\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/colour/);
  });

  it('hands minted tokens once to the importer, sealed until then, never logged', async () => {
    const csv = [
      'code,name,profile,lat,lng,access_token',
      'TOK-1,Bin one,waste-bin,22.55,113.82,',
      'TOK-2,Bin two,waste-bin,22.55,113.83,',
      'TOK-3,Flashed,waste-bin,22.55,113.84,tb-flashed-token-0002-abcdef',
    ].join('\n');
    const res = await ca1.upload('/api/v1/devices/import', csv);
    const id = res.json().id;
    expect((await waitDone(ca1, id)).importedRows).toBe(3);
    const stored = await t.services.database.db
      .selectFrom('device_import_tokens')
      .select(['device_code', 'token_sealed'])
      .where('job_id', '=', id)
      .execute();
    expect(stored.map((r) => r.device_code).sort()).toEqual(['TOK-1', 'TOK-2']);

    // Another user cannot take them, and trying does not use them up.
    const ca2 = await t.login('ca2');
    expect((await ca2.post(`/api/v1/devices/import/${id}/tokens`)).statusCode).toBe(404);

    const first = await ca1.post(`/api/v1/devices/import/${id}/tokens`);
    expect(first.statusCode, first.body).toBe(200);
    const items: { code: string; token: string }[] = first.json().items;
    expect(items.map((i) => i.code)).toEqual(['TOK-1', 'TOK-2']);
    for (const { token } of items) {
      expect(stored.some((r) => r.token_sealed.includes(token))).toBe(false);
      expect(logged).not.toContain(token);
      const ingest = await t.app.inject({
        method: 'POST',
        url: `/api/v1/ingest/${token}/telemetry`,
        headers: { 'content-type': 'application/json' },
        payload: { fillingLevel: 0.5 },
      });
      expect(ingest.json()).toEqual({ accepted: 1, rejected: [] });
    }
    const second = await ca1.post(`/api/v1/devices/import/${id}/tokens`);
    expect(second.statusCode).toBe(410);
    expect(second.json().code).toBe('import_tokens_gone');
    const left = await t.services.database.db
      .selectFrom('device_import_tokens')
      .select('device_code')
      .where('job_id', '=', id)
      .execute();
    expect(left).toEqual([]);
  });

  it('sweeps tokens nobody fetched once they expire', async () => {
    const res = await ca1.upload(
      '/api/v1/devices/import',
      'code,name,profile,lat,lng\nTOK-9,Bin,waste-bin,22.55,113.85\n',
    );
    const id = res.json().id;
    await waitDone(ca1, id);
    await t.services.database.db
      .updateTable('device_import_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('job_id', '=', id)
      .execute();
    expect((await ca1.post(`/api/v1/devices/import/${id}/tokens`)).statusCode).toBe(410);
    await t.services.importTokens.sweep();
    const left = await t.services.database.db
      .selectFrom('device_import_tokens')
      .select('device_code')
      .where('job_id', '=', id)
      .execute();
    expect(left).toEqual([]);
  });

  it('reads a GBK list with Chinese headers and reports each bad row by code', async () => {
    const csv =
      '编码,名称,设备类型,纬度,经度,单位编码,状态\r\n' +
      'GBK-1,新田空气站,air-quality,22.55,113.82,,维护\r\n' +
      'GBK-2,噪声一号,teleporter,22.55,113.82,,\r\n' +
      'GBK-3,垃圾桶,waste-bin,北纬,113.82,,\r\n' +
      'GBK-4,垃圾桶,waste-bin,22.55,113.82,NOPE,\r\n' +
      'GBK 5,垃圾桶,waste-bin,22.55,113.82,,\r\n';
    const res = await ca1.upload('/api/v1/devices/import', encodeGbk(csv));
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitDone(ca1, res.json().id);
    expect(job).toMatchObject({ importedRows: 1, rejectedRows: 4 });
    expect(
      job.errors.map((e: { line: number; field: string | null; code: string; params: object }) => [
        e.line,
        e.field,
        e.code,
        e.params,
      ]),
    ).toEqual([
      [3, null, 'refused', { reason: 'profile_not_found', detail: expect.any(String) }],
      [4, 'lat', 'not_number', {}],
      [5, 'org_unit_code', 'unit_not_found', { value: 'NOPE' }],
      [6, 'code', 'bad_device_code', {}],
    ]);
    const device = (await ca1.get('/api/v1/devices?q=GBK-1')).json().items[0];
    expect(device).toMatchObject({ code: 'GBK-1', name: '新田空气站', status: 'maintenance' });
  });

  it('previews a device workbook and offers templates in both languages', async () => {
    const template = await ca1.get('/api/v1/devices/import/template?lang=zh-CN&format=xlsx');
    expect(template.statusCode).toBe(200);
    const preview = (
      await ca1.upload('/api/v1/devices/import/preview', template.rawPayload, 'devices.xlsx')
    ).json();
    expect(preview).toMatchObject({ format: 'xlsx', encoding: null, missing: [], totalRows: 1 });
    expect(preview.columns.map((c: { field: string }) => c.field)).toEqual([
      'code',
      'name',
      'profile',
      'lat',
      'lng',
      'org_unit_code',
      'install_date',
      'status',
      'access_token',
    ]);
    expect(preview.rows[0].values).toMatchObject({ code: 'AQ-0001', name: '新田空气站', lat: '22.5512' });
    const en = await ca1.get('/api/v1/devices/import/template?lang=en&format=csv');
    expect(en.body.split('\r\n')[0]).toBe(
      '\uFEFFcode,name,profile,lat,lng,org_unit_code,install_date,status,access_token',
    );
    const lacking = (await ca1.upload('/api/v1/devices/import/preview', '编码,名称\r\nA,B\r\n')).json();
    expect(lacking.missing).toEqual(['profile', 'lat', 'lng']);
    const gw1 = await t.login('gw1');
    expect((await gw1.get('/api/v1/devices/import/template')).statusCode).toBe(403);
  });
});
