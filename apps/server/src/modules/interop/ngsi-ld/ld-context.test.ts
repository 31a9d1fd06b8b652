import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  CORE_CONTEXT,
  DEFAULT_CONTEXT,
  iriToTerm,
  linkContext,
  readContext,
  resolveTerm,
  resolveType,
  typeIri,
} from './ld-context.js';
import { NgsiLdError } from './ngsi-ld.errors.js';

const withLink = (link: string | undefined) => ({ headers: { link } }) as unknown as FastifyRequest;
const rel = 'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"';
const kind = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof NgsiLdError ? e.kind : String(e);
  }
};

describe('request @context', () => {
  it('knows the core context of every version and the Smart Data Models contexts, nothing else', () => {
    for (const url of [
      CORE_CONTEXT,
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.3.jsonld',
      'https://smartdatamodels.org/context.jsonld',
      'https://raw.githubusercontent.com/smart-data-models/dataModel.Environment/master/context.jsonld',
      'https://raw.githubusercontent.com/smart-data-models/dataModel.Parking/main/context.jsonld',
    ])
      expect(readContext(url).urls, url).toEqual([url]);
    for (const url of [
      'https://example.org/context.jsonld',
      'http://169.254.169.254/latest/meta-data',
      'https://raw.githubusercontent.com/smart-data-models/dataModel.Unknown/master/context.jsonld',
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld.evil.org',
    ])
      expect(
        kind(() => readContext(url)),
        url,
      ).toBe('LdContextNotAvailable');
    expect(kind(() => readContext(42))).toBe('BadRequestData');
    expect(kind(() => readContext(Array.from({ length: 51 }, () => CORE_CONTEXT)))).toBe('BadRequestData');
  });

  it('reads the one JSON-LD context Link and ignores other relations', () => {
    expect(linkContext(withLink(undefined))).toBe(DEFAULT_CONTEXT);
    expect(linkContext(withLink(`<${CORE_CONTEXT}>; ${rel}`)).urls).toEqual([CORE_CONTEXT]);
    expect(linkContext(withLink('<https://example.org/next>; rel="next"'))).toBe(DEFAULT_CONTEXT);
    expect(kind(() => linkContext(withLink(`<${CORE_CONTEXT}>; ${rel}, <${CORE_CONTEXT}>; ${rel}`)))).toBe(
      'BadRequestData',
    );
    expect(kind(() => linkContext(withLink(`<https://example.org/c.jsonld>; ${rel}`)))).toBe(
      'LdContextNotAvailable',
    );
  });
});

describe('names', () => {
  const inline = readContext([
    {
      particulates: 'https://smartdatamodels.org/dataModel.Environment/pm25',
      sdm: 'https://smartdatamodels.org/dataModel.Environment/',
    },
    CORE_CONTEXT,
  ]);

  it('maps the IRIs of a term under the known contexts back to the term', () => {
    expect(iriToTerm('https://smartdatamodels.org/dataModel.Environment/pm25')).toBe('pm25');
    expect(iriToTerm('https://smartdatamodels.org/name')).toBe('name');
    expect(iriToTerm('https://uri.etsi.org/ngsi-ld/default-context/waterLevel')).toBe('waterLevel');
    expect(iriToTerm('https://uri.etsi.org/ngsi-ld/location')).toBe('location');
    expect(iriToTerm('https://example.org/pm25')).toBeNull();
    expect(iriToTerm('https://smartdatamodels.org/dataModel.Environment/a/b')).toBeNull();
  });

  it('resolves terms, inline definitions and compact IRIs', () => {
    expect(resolveTerm(DEFAULT_CONTEXT, 'pm25')).toBe('pm25');
    expect(resolveTerm(inline, 'particulates')).toBe('pm25');
    expect(resolveTerm(inline, 'sdm:no2')).toBe('no2');
    expect(resolveTerm(inline, 'ngsi-ld:location')).toBe('location');
    expect(resolveTerm(readContext({ pm25: 'https://example.org/pm25' }), 'pm25')).toBeNull();
  });

  it("takes an entity type IRI only when it is that type's own IRI", () => {
    expect(typeIri('WasteContainer')).toBe(
      'https://smartdatamodels.org/dataModel.WasteManagement/WasteContainer',
    );
    expect(resolveType(DEFAULT_CONTEXT, 'Streetlight')).toBe('Streetlight');
    expect(resolveType(DEFAULT_CONTEXT, typeIri('Streetlight'))).toBe('Streetlight');
    expect(resolveType(DEFAULT_CONTEXT, 'https://uri.etsi.org/ngsi-ld/default-context/Device')).toBe(
      'Device',
    );
    expect(
      resolveType(DEFAULT_CONTEXT, 'https://smartdatamodels.org/dataModel.Environment/Streetlight'),
    ).toBeNull();
    expect(resolveType(inline, 'sdm:AirQualityObserved')).toBe('AirQualityObserved');
  });
});
