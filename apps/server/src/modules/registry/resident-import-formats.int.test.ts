import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGbk, encodeUtf16 } from '../../test-support/gbk.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { idNumberCheckChar } from './id-number.js';

let t: TestApp;
let ca1: Client;
const validId = (first17: string) => first17 + idNumberCheckChar(first17);

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

const importFile = async (data: Buffer | string, fileName = 'register.csv', query = '') => {
  const res = await ca1.upload(`/api/v1/residents/import${query}`, data, fileName);
  expect(res.statusCode, res.body).toBe(202);
  return waitDone(ca1, res.json().id);
};

/** The clear name of the resident with this phone, through search and an audited reveal. */
const nameByPhone = async (phone: string): Promise<string | undefined> => {
  const found = await ca1.post('/api/v1/residents/search', {
    field: 'phone',
    value: phone,
    reason: 'import test',
  });
  const r = found.json().items[0];
  if (!r) return undefined;
  return (await ca1.post(`/api/v1/residents/${r.id}/reveal`, { field: 'name', reason: 'import test' })).json()
    .value;
};

const jobCount = async () =>
  Number(
    (
      await t.services.database.db
        .selectFrom('import_jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('resident import formats', () => {
  it('imports a GBK CSV with Chinese headers, as Excel in China saves it', async () => {
    const csv =
      '姓名,手机号,身份证号,性别,网格,标记\r\n' +
      `张三丰,13711110001,${validId('44030619500101123')},男,G1,独居老人、残疾\r\n` +
      '李四光,13711110002,,女,G1,\r\n' +
      ',13711110003,,男,G1,\r\n' +
      '王五,13711110004,,未知,G1,\r\n';
    const job = await importFile(encodeGbk(csv));
    expect(job).toMatchObject({ status: 'done', importedRows: 2, rejectedRows: 2 });
    expect(job.errors).toEqual([
      { line: 4, field: 'name', code: 'required', params: {}, message: 'name is required' },
      {
        line: 5,
        field: 'gender',
        code: 'bad_gender',
        params: {},
        message: 'gender use male/female or 男/女',
      },
    ]);
    expect(await nameByPhone('13711110001')).toBe('张三丰');
    expect(await nameByPhone('13711110002')).toBe('李四光');
    const zhang = (
      await ca1.post('/api/v1/residents/search', {
        field: 'phone',
        value: '13711110001',
        reason: 'import test',
      })
    ).json().items[0];
    expect(zhang.flags).toMatchObject({ elderlyLivingAlone: true, disability: true, child: false });
  });

  it('imports UTF-16 (Excel "Unicode text") with English headers', async () => {
    const csv = 'name,phone,grid_code\r\n赵六,13711110011,G1\r\n';
    expect(await importFile(encodeUtf16(csv, 'le'))).toMatchObject({ importedRows: 1, rejectedRows: 0 });
    expect(await nameByPhone('13711110011')).toBe('赵六');
    expect(
      await importFile(encodeUtf16('name,phone,grid_code\r\n钱七,13711110012,G1\r\n', 'be')),
    ).toMatchObject({
      importedRows: 1,
    });
    expect(await nameByPhone('13711110012')).toBe('钱七');
  });

  it('imports an xlsx workbook: numbers, dates and text cells as the register holds them', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('居民');
    sheet.addRow(['姓名', '联系电话', '出生日期', '网格', '备注（不导入）']);
    sheet.addRow(['孙八', 13711110021, new Date(Date.UTC(1961, 4, 6)), 'G1']);
    sheet.addRow(['周九', '13711110022', '1970-02-30', 'G1']);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    // An unknown column is refused, not skipped: the preview flags it first.
    const refused = await ca1.upload('/api/v1/residents/import', xlsx, 'register.xlsx');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'csv_header', unknown: '备注（不导入）' });

    sheet.spliceColumns(5, 1);
    const job = await importFile(Buffer.from(await book.xlsx.writeBuffer()), 'register.xlsx');
    expect(job).toMatchObject({ importedRows: 1, rejectedRows: 1 });
    expect(job.errors[0]).toMatchObject({ line: 3, field: 'birth_date', code: 'not_date' });
    expect(await nameByPhone('13711110021')).toBe('孙八');
    const sun = (
      await ca1.post('/api/v1/residents/search', {
        field: 'phone',
        value: '13711110021',
        reason: 'import test',
      })
    ).json().items[0];
    expect(sun.birthDate).toBe('1961-**-**');
  });

  it('asks which encoding when unsure, starting nothing, and imports once told', async () => {
    const before = await jobCount();
    const csv = Buffer.from('name,grid_code\nJosé,G1\n', 'utf8');
    const res = await ca1.upload('/api/v1/residents/import', csv);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'encoding_unsure', candidates: ['utf-8', 'gb18030'] });
    expect(await jobCount()).toBe(before);
    // A choice the bytes do not fit is refused, never read with replacement characters.
    const wrong = await ca1.upload(
      '/api/v1/residents/import?encoding=utf-16be',
      Buffer.from('name\n\xff\n', 'latin1'),
    );
    expect(wrong.json()).toMatchObject({ code: 'encoding_mismatch', encoding: 'utf-16be' });
    expect(await jobCount()).toBe(before);
    const job = await importFile(csv, 'register.csv', '?encoding=utf-8');
    expect(job).toMatchObject({ importedRows: 1 });
  });

  it('refuses old .xls and workbooks with macros by name', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const res = await ca1.upload('/api/v1/residents/import', xls, 'old.xls');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'import_format_refused', format: 'xls' });
    const xlsm = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.from('xl/workbook.xml xl/vbaProject.bin'),
    ]);
    expect((await ca1.upload('/api/v1/residents/import', xlsm, 'm.xlsm')).json()).toMatchObject({
      format: 'xlsm',
    });
  });

  it('previews the mapping and first rows, masked, storing nothing', async () => {
    const before = await jobCount();
    const id = validId('44030619800202123');
    const csv = `姓名,手机号码,身份证号码,楼号备注,网格\r\n吴十,13711110031,${id},3栋,G1\r\n`;
    const res = await ca1.upload('/api/v1/residents/import/preview', encodeGbk(csv));
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ format: 'csv', encoding: 'gb18030', missing: [], totalRows: 1 });
    expect(p.columns).toEqual([
      { header: '姓名', field: 'name' },
      { header: '手机号码', field: 'phone' },
      { header: '身份证号码', field: 'id_number' },
      { header: '楼号备注', field: null },
      { header: '网格', field: 'grid_code' },
    ]);
    expect(p.rows[0].values).toEqual({
      name: '吴十',
      phone: '137****0031',
      id_number: expect.stringMatching(/^440\*+/),
      grid_code: 'G1',
    });
    expect(JSON.stringify(p)).not.toContain(id);
    expect(await jobCount()).toBe(before);
    expect(await nameByPhone('13711110031')).toBeUndefined();
    // Only who may import may preview.
    const gw1 = await t.login('gw1');
    expect((await gw1.upload('/api/v1/residents/import/preview', encodeGbk(csv))).statusCode).toBe(403);
  });

  it('offers a template in each language and format that the import reads back', async () => {
    for (const lang of ['zh-CN', 'en']) {
      for (const format of ['csv', 'xlsx']) {
        const res = await ca1.get(`/api/v1/residents/import/template?lang=${lang}&format=${format}`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-disposition']).toContain(`residents-template-${lang}.${format}`);
        const preview = (
          await ca1.upload('/api/v1/residents/import/preview', res.rawPayload, `t.${format}`)
        ).json();
        expect(
          preview.columns.every((c: { field: string | null }) => c.field !== null),
          JSON.stringify(preview),
        ).toBe(true);
        expect(preview.columns[0].header).toBe(lang === 'zh-CN' ? '姓名' : 'name');
        expect(preview.rows[0].values.name).toBe('张三');
      }
    }
  });
});
