import { z } from 'zod';
import { defineEndpoint } from './endpoint.js';
import { errorCode } from './errors.js';

/**
 * The text encodings an import file may come in (ADR 0049). Excel in China saves "CSV" in GBK,
 * which GB18030 contains; Excel's "Unicode text" is UTF-16 with a BOM.
 */
export const importEncodings = ['utf-8', 'gb18030', 'utf-16le', 'utf-16be'] as const;
export const importEncoding = z.enum(importEncodings);
export type ImportEncoding = z.infer<typeof importEncoding>;

/**
 * Why a row of an import was not stored, as a stable code the web renders in the user's language
 * with the row error's `params`. `refused` carries the API error code of the refusal as `reason`.
 */
export const importRowErrorCodes = [
  'line_unreadable',
  'required',
  'too_long',
  'too_short',
  'not_phone',
  'not_date',
  'not_number',
  'too_large',
  'too_small',
  'bad_gender',
  'bad_flag',
  'bad_status',
  'bad_device_code',
  'bad_id_number',
  'birth_date_mismatch',
  'building_not_found',
  'grid_not_found',
  'unit_retired',
  'unit_not_found',
  'place_required',
  'outside_area',
  'id_number_repeats',
  'id_number_taken',
  'refused',
  'store_failed',
] as const;
export const importRowErrorCode = z.enum(importRowErrorCodes);
export type ImportRowErrorCode = z.infer<typeof importRowErrorCode>;

export const importRowError = z.object({
  line: z.number().int(),
  field: z.string().nullable(),
  code: importRowErrorCode,
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  /** English, for logs and integrators; the web renders `code` and `params`. */
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowError>;

/** The multipart fields an import and its preview take besides "file". */
export const importFormFields = z.object({
  /** The encoding the user chose when the server was unsure (a CSV only). */
  encoding: importEncoding.optional(),
});

export const importFormats = ['csv', 'xlsx'] as const;

/** What the server would read from a file, without storing anything. */
export const importPreview = z.object({
  format: z.enum(importFormats),
  /** null for xlsx (the workbook says its own encoding). */
  encoding: importEncoding.nullable(),
  /** Each header of the file, in its order, and the field it fills (null: unknown, not imported). */
  columns: z.array(z.object({ header: z.string(), field: z.string().nullable() })),
  /** Required fields no header maps to: the import would be refused. */
  missing: z.array(z.string()),
  /** The first rows, by field (unknown columns left out); ID numbers and phones masked. */
  rows: z.array(z.object({ line: z.number().int(), values: z.record(z.string(), z.string()) })),
  totalRows: z.number().int(),
});
export type ImportPreview = z.infer<typeof importPreview>;

export const importTemplateQuery = z.object({
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
  format: z.enum(importFormats).default('csv'),
});

/** The members of an `encoding_unsure` problem: the encodings the user may choose from. */
export const encodingUnsure = z.object({
  code: z.literal('encoding_unsure'),
  candidates: z.array(importEncoding),
});

/** Any code an import can refuse a whole file with (so the web can name a file problem). */
export const importFileErrors = [
  'multipart_required',
  'file_missing',
  'csv_unreadable',
  'csv_header',
  'encoding_unsure',
  'encoding_mismatch',
  'import_format_refused',
] as const satisfies readonly z.infer<typeof errorCode>[];

/** The preview and template endpoints every import has beside its own, under `base` (ADR 0049). */
export function importHelperEndpoints<P extends string>(base: `/api/v1/${P}`, tags: string[], what: string) {
  return {
    importPreview: defineEndpoint({
      method: 'POST',
      path: `${base}/import/preview`,
      tags,
      summary:
        'What an import of this file would read: encoding, column mapping, first rows (stores nothing)',
      query: importFormFields,
      consumes: ['multipart/form-data'],
      responses: { 200: importPreview },
      errors: importFileErrors,
    }),
    importTemplate: defineEndpoint({
      method: 'GET',
      path: `${base}/import/template`,
      tags,
      summary: `An empty ${what} to fill in, headed in Chinese or English, as CSV or xlsx`,
      query: importTemplateQuery,
      responses: { 200: 'file' },
      errors: [],
    }),
  };
}
