import fs from 'node:fs';
import { importRowErrorCodes } from '@civitas/contracts/imports';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowError, rowErrorFromIssue } from './row-errors.js';

const read = (path: string) => fs.readFileSync(new URL(path, import.meta.url), 'utf8');
const operations = read('../../../../../docs/operations.md');
const catalogs = {
  en: JSON.parse(read('../../../../web/src/app/i18n/en.json')),
  'zh-CN': JSON.parse(read('../../../../web/src/app/i18n/zh-CN.json')),
};

describe('import row errors', () => {
  it('lists every code in docs/operations.md, and only those', () => {
    const section = operations.slice(operations.indexOf('Row error codes'));
    const paragraph = section.slice(0, section.indexOf('\n\n'));
    const documented = [...paragraph.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).filter((c) => c !== 'params');
    expect(new Set(documented)).toEqual(new Set(importRowErrorCodes));
  });

  it('has a sentence for every code in both languages of the web', () => {
    for (const [lang, catalog] of Object.entries(catalogs)) {
      const sentences = catalog.import.rowErrors as Record<string, string>;
      expect(Object.keys(sentences).sort(), lang).toEqual([...importRowErrorCodes].sort());
    }
  });

  it('turns a schema issue into a code with its bound, and English for the log', () => {
    const schema = z.object({ name: z.string().max(3), lat: z.coerce.number().min(-90), when: z.iso.date() });
    const issue = (value: object) => schema.safeParse(value).error!.issues[0]!;
    expect(rowErrorFromIssue(7, issue({ name: 'abcd', lat: 1, when: '2024-01-01' }))).toEqual({
      line: 7,
      field: 'name',
      code: 'too_long',
      params: { max: 3 },
      message: 'name is longer than 3 characters',
    });
    expect(rowErrorFromIssue(8, issue({ name: 'a', lat: -91, when: '2024-01-01' }))).toMatchObject({
      code: 'too_small',
      params: { min: -90 },
    });
    expect(rowErrorFromIssue(9, issue({ name: 'a', lat: 1, when: 'soon' }))).toMatchObject({
      code: 'not_date',
    });
    expect(rowErrorFromIssue(9, issue({ lat: 1, when: '2024-01-01' }))).toMatchObject({ code: 'required' });
    expect(rowError(3, 'id_number', 'id_number_repeats', { line: 2 }).message).toBe(
      'id_number repeats line 2',
    );
  });
});
