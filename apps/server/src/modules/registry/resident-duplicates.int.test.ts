import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { idNumberCheckChar } from './id-number.js';

// ADR 0021: creating, changing or importing a resident must not tell the caller that an ID number
// is registered in a unit they cannot see. The review found `409 id_number_taken` answered for a
// resident of another community: an existence oracle across units.
let t: TestApp;
let ca1: Client;
let ca2: Client;
let gw2: Client;
let street1: Client;
const validId = (first17: string) => first17 + idNumberCheckChar(first17);
const MOVED = validId('44030619450303222'); // registered in community C1, then moves to C2
const FRESH = validId('44030619460404333'); // registered nowhere
const unit = (code: string) => t.units.get(code)!.id;
let inC1: string;

beforeAll(async () => {
  t = await createTestApp();
  [ca1, ca2, gw2, street1] = (await Promise.all(['ca1', 'ca2', 'gw2', 'street1'].map((u) => t.login(u)))) as [
    Client,
    Client,
    Client,
    Client,
  ];
  const res = await ca1.post('/api/v1/residents', { name: '刘奶奶', idNumber: MOVED, gridId: unit('G1') });
  expect(res.statusCode).toBe(201);
  inC1 = res.json<{ id: string }>().id;
});

const importNow = async (csv: string) => {
  const started = (await ca2.upload('/api/v1/residents/import', csv)).json();
  for (let i = 0; i < 600; i++) {
    const job = (await ca2.get(`/api/v1/imports/${started.id}`)).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('import did not finish');
};

/** The parts of an answer that do not depend on the record's identity. */
const shape = (r: { statusCode: number; json: () => Record<string, unknown> }) => ({
  status: r.statusCode,
  keys: Object.keys(r.json()).sort(),
});

describe('an ID number registered outside the caller’s area', () => {
  it('is accepted on create exactly as a number registered nowhere', async () => {
    const moved = await ca2.post('/api/v1/residents', {
      name: '刘奶奶',
      idNumber: MOVED,
      gridId: unit('G3'),
    });
    const fresh = await ca2.post('/api/v1/residents', {
      name: '张爷爷',
      idNumber: FRESH,
      gridId: unit('G3'),
    });
    expect(shape(moved)).toEqual({ status: 201, keys: shape(fresh).keys });
    expect(moved.json().idNumber).toBe(`440***********${MOVED.slice(-4)}`);
    // and both records exist: the move did not touch community C1's record
    expect((await ca1.get(`/api/v1/residents/${inC1}`)).statusCode).toBe(200);
  });

  it('is accepted on update and on import; in the caller’s own area it is refused, naming the holder', async () => {
    const other = validId('44030619470505444');
    await ca1.post('/api/v1/residents', { name: '陈伯', idNumber: other, gridId: unit('G2') });
    const r = (await ca2.post('/api/v1/residents', { name: '某', gridId: unit('G3') })).json();
    const patched = await ca2.patch(`/api/v1/residents/${r.id}`, { version: r.version, idNumber: other });
    expect(patched.statusCode).toBe(200);

    // Within the area: the second record is refused and the first named, so the worker opens it.
    const again = await ca2.post('/api/v1/residents', { name: '刘', idNumber: MOVED, gridId: unit('G3') });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'id_number_taken' });
    const holder = again.json().existingId as string;
    expect((await ca2.get(`/api/v1/residents/${holder}`)).statusCode).toBe(200);
    expect(holder).not.toBe(inC1);

    const csv =
      'name,id_number,grid_code\n' +
      `甲,${validId('44030619480606555')},G3\n` +
      `乙,${MOVED},G3\n` + // held in C2 already (first test): refused
      `丙,${validId('44030619470505444')},G3\n`; // held in C1 and by r in C2: refused, for r
    const done = await importNow(csv);
    expect(done.importedRows).toBe(1);
    expect(done.errors.map((e: { line: number; message: string }) => [e.line, e.message])).toEqual([
      [3, 'id_number is already registered in your area'],
      [4, 'id_number is already registered in your area'],
    ]);
    const c1Only = validId('44030619490707666');
    await ca1.post('/api/v1/residents', { name: '丁', idNumber: c1Only, gridId: unit('G1') });
    expect(await importNow(`name,id_number,grid_code\n丁,${c1Only},G3\n`)).toMatchObject({
      importedRows: 1,
      rejectedRows: 0,
      errors: [],
    });
  });

  it('within one community is refused to the admin, accepted from a grid worker of the other grid', async () => {
    const id = validId('44030619500808777');
    expect(
      (await ca1.post('/api/v1/residents', { name: '戊', idNumber: id, gridId: unit('G1') })).statusCode,
    ).toBe(201);
    expect(
      (await ca1.post('/api/v1/residents', { name: '戊', idNumber: id, gridId: unit('G2') })).statusCode,
    ).toBe(409);
    expect(
      (await gw2.post('/api/v1/residents', { name: '戊', idNumber: id, gridId: unit('G2') })).statusCode,
    ).toBe(201);
  });

  it('twice into one unit at the same moment stores one record', async () => {
    const id = validId('44030619510909888');
    const both = await Promise.all([
      ca2.post('/api/v1/residents', { name: '己', idNumber: id, gridId: unit('G3') }),
      ca2.post('/api/v1/residents', { name: '己', idNumber: id, gridId: unit('G3') }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  });
});

describe('duplicates', () => {
  it('show to whoever sees every record of the group, and to nobody else', async () => {
    const groupsOf = async (c: Client) => {
      const res = await c.get('/api/v1/residents/duplicates');
      expect(res.statusCode).toBe(200);
      return res.json().items as { idNumber: string; residents: { id: string; gridCode: string }[] }[];
    };
    const moved = (await groupsOf(street1)).find((g) => g.idNumber.endsWith(MOVED.slice(-4)));
    expect(moved?.residents.map((r) => r.gridCode).sort()).toEqual(['G1', 'G3']);
    expect(moved?.residents.map((r) => r.id)).toContain(inC1);
    // Each community admin sees one member only: the group is not theirs to see.
    expect((await groupsOf(ca2)).find((g) => g.idNumber.endsWith(MOVED.slice(-4)))).toBeUndefined();
    expect((await groupsOf(ca1)).find((g) => g.idNumber.endsWith(MOVED.slice(-4)))).toBeUndefined();
    // The one in community C1 (G1 and G2) is the community admin's to see.
    const c1 = await groupsOf(ca1);
    expect(c1.map((g) => g.residents.map((r) => r.gridCode).sort())).toEqual([['G1', 'G2']]);
    expect(await groupsOf(gw2)).toEqual([]);
  });
});
