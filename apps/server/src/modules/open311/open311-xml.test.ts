import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseW3cDate } from './open311-query.js';
import { parseForm, parseSubmission } from './open311-form.js';
import { escapeXmlText, toXmlDocument } from './open311-xml.js';

const parser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (n) => n === 'request' });
// What survives in XML 1.0: the writer drops the characters the format cannot carry.
const xmlChars = (s: string) =>
  s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '').replace(/\r\n?/g, '\n');

describe('the XML writer', () => {
  it('round-trips any text through a real parser', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const doc = toXmlDocument('service_requests', [{ service_request_id: 'C1', description: s }]);
        const parsed = parser.parse(doc) as { service_requests: { request: { description: string }[] } };
        const got = parsed.service_requests.request[0]!.description;
        expect(typeof got === 'string' ? got : '').toBe(xmlChars(s));
      }),
      { numRuns: 300 },
    );
  });

  it('escapes markup and writes null as an empty element', () => {
    expect(escapeXmlText(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    expect(toXmlDocument('errors', [{ code: 403, description: null }])).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n<error>\n<code>403</code>\n<description/>\n</error>\n</errors>',
    );
  });

  it('refuses element names and arrays the spec does not have', () => {
    expect(() => toXmlDocument('x', { 'bad name': 1 })).toThrow(/element name/);
    expect(() => toXmlDocument('things', [1])).toThrow(/item element/);
  });
});

describe('W3C dates', () => {
  it('needs a time zone and a real calendar date', () => {
    expect(parseW3cDate('2026-03-02T08:30:00+08:00', 'd').toISOString()).toBe('2026-03-02T00:30:00.000Z');
    expect(parseW3cDate('2024-02-29T00:00Z', 'd').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    for (const bad of [
      '2026-03-02T08:30:00',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-03-02',
      'now',
    ])
      expect(() => parseW3cDate(bad, 'start_date'), bad).toThrow(/start_date/);
  });

  it('never throws anything but its own error on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          expect(Number.isNaN(parseW3cDate(s, 'd').getTime())).toBe(false);
        } catch (e) {
          expect((e as Error).message).toMatch(/d must be a W3C date-time/);
        }
      }),
    );
  });
});

describe('the POST form', () => {
  it('reads attribute[code] and attribute[code][] lists', () => {
    const s = parseSubmission(
      parseForm(
        'api_key=k&service_code=noise&lat=22.55&long=113.82&attribute%5Bsurface%5D=asphalt&attribute[hazards][]=water&attribute[hazards][]=traffic&description=a+b',
      ),
    );
    expect(s).toMatchObject({
      apiKey: 'k',
      serviceCode: 'noise',
      lat: 22.55,
      long: 113.82,
      description: 'a b',
      attributes: { surface: 'asphalt', hazards: ['water', 'traffic'] },
    });
  });

  it('treats empty arguments as absent and refuses repeated scalars', () => {
    expect(parseSubmission(parseForm('service_code=noise&email=&lat=')).email).toBeUndefined();
    expect(() => parseSubmission(parseForm('service_code=noise&service_code=x'))).toThrow(/more than once/);
  });
});
