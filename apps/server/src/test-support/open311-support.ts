import fs from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../platform/http/http-server.js';

const dir = new URL('../modules/open311/test-fixtures/georeport-v2/', import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats.default(ajv);
for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.schema.json')))
  ajv.addSchema(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')) as object);

export type SchemaName =
  | 'service-list'
  | 'service-definition'
  | 'service-requests'
  | 'post-service-request'
  | 'token'
  | 'errors'
  | 'discovery';

/** Validates a JSON body against the fixture schema; throws with ajv's findings so a test fails loudly. */
export function expectSchema(name: SchemaName, body: unknown): void {
  const v = ajv.getSchema(`https://schemas.civitas.invalid/georeport-v2/${name}.schema.json`) as
    ValidateFunction | undefined;
  if (!v) throw new Error(`no schema ${name}`);
  if (!v(body))
    throw new Error(`${name}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(body).slice(0, 800)}`);
}

// Values stay text (as in the XML); lists are read as lists wherever the spec has plural elements.
const LIST_ELEMENTS = new Set(['service', 'request', 'attribute', 'value', 'error', 'endpoint', 'format']);
const xml = new XMLParser({
  parseTagValue: false,
  ignoreDeclaration: false,
  isArray: (name) => LIST_ELEMENTS.has(name),
});

export function parseXml(res: LightMyRequestResponse): Record<string, unknown> {
  if (!String(res.headers['content-type']).startsWith('text/xml'))
    throw new Error(`not XML: ${String(res.headers['content-type'])}`);
  if (!res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')) throw new Error('no XML declaration');
  return xml.parse(res.body) as Record<string, unknown>;
}

/** POSTs a form-encoded body the way an Open311 client does (spec: POST Service Request). */
export function postForm(
  app: App,
  url: string,
  fields: [string, string][],
  lang = 'en',
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'accept-language': lang },
    payload: new URLSearchParams(fields).toString(),
  });
}
