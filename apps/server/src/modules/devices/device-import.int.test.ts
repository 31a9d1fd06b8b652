import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
let ca1: Client;
beforeAll(async () => {
  t = await createTestApp();
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
});
