import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { idNumberCheckChar } from './id-number.js';

let t: TestApp;
let gw1: Client;
let ca1: Client;
const validId = (first17: string) => first17 + idNumberCheckChar(first17);

beforeAll(async () => {
  t = await createTestApp();
  gw1 = await t.login('gw1');
  ca1 = await t.login('ca1');
});

describe('residents', () => {
  it('are stored encrypted, listed masked, and found by exact phone through the blind index', async () => {
    const res = await gw1.post('/api/v1/residents', {
      name: '王小明',
      phone: '13800138000',
      idNumber: validId('44030619800101123'),
      gender: 'male',
      gridId: t.units.get('G1')!.id,
      flags: { elderlyLivingAlone: true, disability: false, child: false, needsAssistance: false },
    });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r.name).toBe('王*明');
    expect(r.phone).toBe('138****8000');
    expect(r.idNumber).toMatch(/^440\*{11}123.$/);
    expect(r.birthDate).toBe('1980-**-**');
    const raw = await t.services.database.db
      .selectFrom('residents')
      .selectAll()
      .where('id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain('13800138000');
    expect(JSON.stringify(raw)).not.toContain('王小明');
    const found = (
      await gw1.post('/api/v1/residents/search', {
        field: 'phone',
        value: '138 0013 8000',
        reason: 'caller asks about a parcel',
      })
    ).json();
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([r.id]);
    expect((await gw1.get('/api/v1/residents?flag=elderlyLivingAlone')).json().total).toBe(1);
  });

  it('reveal one field only on request, with the reveal written to the audit log first', async () => {
    const r = (
      await gw1.post('/api/v1/residents', {
        name: '李四',
        phone: '13900139000',
        gridId: t.units.get('G1')!.id,
      })
    ).json();
    const rev = await gw1.post(`/api/v1/residents/${r.id}/reveal`, {
      field: 'phone',
      reason: 'calling about a leak',
    });
    expect(rev.json()).toEqual({ field: 'phone', value: '13900139000' });
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'resident.reveal')
      .where('target_id', '=', r.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_name).toBe('gw1');
    expect(audit[0]!.actor_role).toBe('grid_worker');
    expect(audit[0]!.detail).toMatchObject({ field: 'phone', reason: 'calling about a leak' });
    expect((await gw1.post(`/api/v1/residents/${r.id}/reveal`, { field: 'phone' })).statusCode).toBe(400);
  });

  it('show the birth year only; the full date is a reveal, audited like the others', async () => {
    const r = (
      await gw1.post('/api/v1/residents', {
        name: '周老伯',
        idNumber: validId('44030619380917123'),
        gridId: t.units.get('G1')!.id,
      })
    ).json();
    expect(r.birthDate).toBe('1938-**-**');
    expect((await gw1.get(`/api/v1/residents/${r.id}`)).json().birthDate).toBe('1938-**-**');
    const listed = (await gw1.get('/api/v1/residents?limit=200'))
      .json()
      .items.find((i: { id: string }) => i.id === r.id);
    expect(listed.birthDate).toBe('1938-**-**');
    expect(JSON.stringify(listed)).not.toContain('0917');
    const rev = await gw1.post(`/api/v1/residents/${r.id}/reveal`, {
      field: 'birthDate',
      reason: 'pension check',
    });
    expect(rev.json()).toEqual({ field: 'birthDate', value: '1938-09-17' });
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'resident.reveal')
      .where('target_id', '=', r.id)
      .execute();
    expect(audit.map((a) => a.detail)).toEqual([{ field: 'birthDate', reason: 'pension check' }]);
  });

  it('refuse an invalid ID number, a birth date that contradicts it, and a duplicate, changing nothing', async () => {
    const before = (await ca1.get('/api/v1/residents')).json().total;
    const bad = await ca1.post('/api/v1/residents', {
      name: '赵六',
      idNumber: '440306198001011230',
      gridId: t.units.get('G2')!.id,
    });
    expect([400]).toContain(bad.statusCode);
    expect(bad.json().detail).toMatch(/idNumber/);
    const id = validId('44030619900202223');
    const mismatch = await ca1.post('/api/v1/residents', {
      name: '赵六',
      idNumber: id,
      birthDate: '1991-01-01',
      gridId: t.units.get('G2')!.id,
    });
    expect(mismatch.json().errors[0].path).toBe('body.birthDate');
    expect(
      (await ca1.post('/api/v1/residents', { name: '赵六', idNumber: id, gridId: t.units.get('G2')!.id }))
        .statusCode,
    ).toBe(201);
    expect(
      (await ca1.post('/api/v1/residents', { name: '赵七', idNumber: id, gridId: t.units.get('G2')!.id }))
        .statusCode,
    ).toBe(409);
    expect((await ca1.get('/api/v1/residents')).json().total).toBe(before + 1);
  });

  it('detect a lost update with the version', async () => {
    const r = (await gw1.post('/api/v1/residents', { name: '孙八', gridId: t.units.get('G1')!.id })).json();
    expect(
      (await gw1.patch(`/api/v1/residents/${r.id}`, { version: r.version, gender: 'female' })).statusCode,
    ).toBe(200);
    const stale = await ca1.patch(`/api/v1/residents/${r.id}`, { version: r.version, gender: 'male' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current.gender).toBe('female');
  });
});

describe('CSV import', () => {
  const header = 'name,phone,id_number,birth_date,gender,grid_code,elderly_living_alone\n';
  const upload = (client: Client, csv: Buffer | string) => client.upload('/api/v1/residents/import', csv);
  const waitDone = async (client: Client, id: string) => {
    for (let i = 0; i < 600; i++) {
      const job = (await client.get(`/api/v1/imports/${id}`)).json();
      if (job.status !== 'running') return job;
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('import did not finish');
  };

  it('keeps good rows, reports bad ones by line and reason, and accepts a UTF-8 BOM', async () => {
    const csv =
      '\uFEFF' +
      header +
      `张三,13700137000,${validId('44030619700505123')},,男,G1,是\n` +
      `,13700137001,,,,G1,\n` +
      `李四,not-a-phone,,,,G1,\n` +
      `王五,,,,,G3,\n` +
      `周六,,${validId('44030619700505123')},,,G2,\n` +
      `吴七,,,,,NOPE,\n` +
      `郑八,13700137009,,1999-02-30,,G2,0\n` +
      `冯九,13700137010,,,female,G2,no\n`;
    const res = await upload(ca1, Buffer.from(csv, 'utf8'));
    expect(res.statusCode).toBe(202);
    const job = await waitDone(ca1, res.json().id);
    expect(job.status, JSON.stringify(job)).toBe('done');
    expect(job.importedRows, JSON.stringify(job.errors)).toBe(2);
    expect(job.totalRows).toBe(8);
    expect(job.importedRows).toBe(2);
    expect(job.rejectedRows).toBe(6);
    const byLine = Object.fromEntries(
      job.errors.map((e: { line: number; message: string }) => [e.line, e.message]),
    );
    expect(byLine[3]).toMatch(/name/);
    expect(byLine[4]).toMatch(/phone/);
    expect(byLine[5]).toMatch(/outside your area/); // G3 belongs to community C2
    expect(byLine[6]).toMatch(/repeats line 2/);
    expect(byLine[7]).toMatch(/NOPE/);
    expect(byLine[8]).toMatch(/date/);
    const zhang = (
      await ca1.post('/api/v1/residents/search', {
        field: 'phone',
        value: '13700137000',
        reason: 'checking the import',
      })
    ).json().items[0];
    expect(zhang.name).toBe('张*');
    expect(zhang.flags.elderlyLivingAlone).toBe(true);
  });

  it('rejects a file whose header is wrong before creating a job', async () => {
    const res = await upload(ca1, 'nom,telephone\nx,y\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/column/);
  });

  it('is not open to a grid worker', async () => {
    expect((await upload(gw1, header)).statusCode).toBe(403);
  });
});
