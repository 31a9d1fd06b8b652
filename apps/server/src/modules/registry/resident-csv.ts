import { z } from 'zod';
import type { ColumnSpec } from '../../platform/imports/column-map.js';

/**
 * The columns of a resident import, under the English names of the API and the Chinese headers of
 * a street office's register (docs/operations.md). `flags` (标记) lists flags by name in one cell.
 */
export const residentColumns: readonly ColumnSpec[] = [
  { field: 'name', required: true, en: 'name', zh: '姓名', aliases: ['名字'] },
  {
    field: 'phone',
    required: false,
    en: 'phone',
    zh: '手机号',
    aliases: ['手机号码', '手机', '联系电话', '电话'],
  },
  {
    field: 'id_number',
    required: false,
    en: 'id_number',
    zh: '身份证号',
    aliases: ['身份证号码', '身份证', '公民身份号码', '证件号码'],
  },
  { field: 'birth_date', required: false, en: 'birth_date', zh: '出生日期', aliases: ['生日'] },
  { field: 'gender', required: false, en: 'gender', zh: '性别' },
  {
    field: 'building_code',
    required: false,
    en: 'building_code',
    zh: '楼栋',
    aliases: ['楼栋编码', '楼栋编号'],
  },
  { field: 'unit_no', required: false, en: 'unit_no', zh: '房号', aliases: ['门牌号', '房间号', '户号'] },
  { field: 'grid_code', required: false, en: 'grid_code', zh: '网格', aliases: ['网格编码', '网格编号'] },
  { field: 'flags', required: false, en: 'flags', zh: '标记' },
  {
    field: 'elderly_living_alone',
    required: false,
    en: 'elderly_living_alone',
    zh: '独居老人',
    aliases: ['独居'],
  },
  { field: 'disability', required: false, en: 'disability', zh: '残疾', aliases: ['残疾人'] },
  { field: 'child', required: false, en: 'child', zh: '儿童' },
  { field: 'needs_assistance', required: false, en: 'needs_assistance', zh: '需要帮扶', aliases: ['需帮扶'] },
];

export const residentTemplateExample: Record<string, string> = {
  name: '张三',
  phone: '13800138000',
  id_number: '440306195001011238',
  birth_date: '1950-01-01',
  gender: '男',
  building_code: 'B-0001',
  unit_no: '1-101',
  grid_code: '',
  flags: '独居老人',
};

const flagFields = ['elderly_living_alone', 'disability', 'child', 'needs_assistance'] as const;
/** The words a `flags` cell may list, in either language. */
const flagWords: Record<string, (typeof flagFields)[number]> = {
  elderly_living_alone: 'elderly_living_alone',
  独居老人: 'elderly_living_alone',
  独居: 'elderly_living_alone',
  disability: 'disability',
  残疾: 'disability',
  残疾人: 'disability',
  child: 'child',
  儿童: 'child',
  needs_assistance: 'needs_assistance',
  需要帮扶: 'needs_assistance',
  需帮扶: 'needs_assistance',
};

const yes = new Set(['1', 'true', 'yes', 'y', '是', '√']);
const no = new Set(['', '0', 'false', 'no', 'n', '否']);
const flag = z
  .string()
  .default('')
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => yes.has(v) || no.has(v), 'bad_flag')
  .transform((v) => yes.has(v));
// A column may be absent from the file altogether, or present and empty: both mean "no value".
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** One row, as text, checked field by field; issue messages are row error codes. */
export const residentCsvRow = z
  .object({
    name: z.string({ message: 'required' }).trim().min(1, 'required').max(100),
    phone: optional.pipe(
      z
        .string()
        .regex(/^\+?[0-9][0-9 -]{5,19}$/, 'not_phone')
        .nullable(),
    ),
    id_number: optional.transform((v) => v?.toUpperCase() ?? null),
    birth_date: optional.pipe(z.iso.date('not_date').nullable()),
    gender: optional.transform((v, c) => {
      const g = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female' }[
        v?.toLowerCase() ?? ''
      ];
      if (v && !g) c.addIssue({ code: 'custom', message: 'bad_gender' });
      return (g ?? 'unknown') as 'male' | 'female' | 'unknown';
    }),
    building_code: optional,
    unit_no: optional.pipe(z.string().max(20).nullable()),
    grid_code: optional,
    flags: optional.transform((v, c) => {
      const words = (v ?? '').split(/[,，、;；/\s]+/u).filter((w) => w !== '');
      const unknown = words.filter((w) => !flagWords[w.toLowerCase()]);
      if (unknown.length > 0) c.addIssue({ code: 'custom', message: 'bad_flag' });
      return new Set(words.map((w) => flagWords[w.toLowerCase()]));
    }),
    elderly_living_alone: flag,
    disability: flag,
    child: flag,
    needs_assistance: flag,
  })
  .transform(({ flags, ...r }) => {
    for (const f of flagFields) if (flags.has(f)) r[f] = true;
    return r;
  });
export type ResidentCsvRow = z.infer<typeof residentCsvRow>;
