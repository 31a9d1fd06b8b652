import { describe, expect, it } from 'vitest';
import { residentColumns } from '../../modules/registry/resident-csv.js';
import { mapColumns, normaliseHeader, rowsByField } from './column-map.js';
import type { TabularFile } from './tabular-file.js';

const file = (header: string[], ...rows: string[][]): TabularFile => ({
  format: 'csv',
  encoding: 'utf-8',
  header,
  rows: rows.map((cells, i) => ({ line: i + 2, cells })),
  broken: [],
});

describe('column mapping', () => {
  it('maps Chinese, English and office variants of a header to one field', () => {
    const { columns, missing } = mapColumns(
      ['姓名*', ' Phone ', '身份证号码', '出生日期（YYYY-MM-DD）', 'ID_Number', '楼栋', '房号', '备注'],
      residentColumns,
    );
    expect(columns.map((c) => c.field)).toEqual([
      'name',
      'phone',
      'id_number',
      'birth_date',
      'id_number',
      'building_code',
      'unit_no',
      null,
    ]);
    expect(missing).toEqual([]);
  });

  it('names the required fields no header fills', () => {
    expect(mapColumns(['手机号', '楼栋'], residentColumns).missing).toEqual(['name']);
  });

  it('ignores full-width forms and spaces', () => {
    expect(normaliseHeader('ＩＤ＿ｎｕｍｂｅｒ')).toBe(normaliseHeader('id_number'));
    expect(normaliseHeader(' 手 机 号 ')).toBe('手机号');
  });

  it('gives rows by field, and refuses unknown, missing and doubled columns by name', () => {
    expect(rowsByField(file(['姓名', '网格'], ['张三', 'G1'], ['李四']), residentColumns)).toEqual([
      { line: 2, raw: { name: '张三', grid_code: 'G1' } },
      { line: 3, raw: { name: '李四', grid_code: '' } },
    ]);
    const refusal = (header: string[]) => {
      try {
        rowsByField(file(header), residentColumns);
      } catch (e) {
        return (e as { code: string; extra: { body: unknown } }).extra.body;
      }
      return null;
    };
    expect(refusal(['姓名', '颜色'])).toEqual({ unknown: '颜色' });
    expect(refusal(['手机号'])).toEqual({ missing: 'name' });
    expect(refusal(['姓名', 'name'])).toEqual({ duplicate: 'name' });
  });
});
