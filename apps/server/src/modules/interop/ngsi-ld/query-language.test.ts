import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateQ, parseQ, type QExpr, type QTerm, type QValue } from './query-language.js';

const parse = (s: string): QExpr => {
  const r = parseQ(s);
  if (!r.ok) throw new Error(r.error);
  return r.expr;
};
const matches = (q: string, entity: Record<string, unknown>) => evaluateQ(parse(q), (a) => entity[a]);

// A printer for the grammar, so generated trees can be round-tripped through the parser.
function printValue(v: QValue): string {
  switch (v.kind) {
    case 'number':
      return String(v.v);
    case 'string':
      return `"${v.v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 'boolean':
      return String(v.v);
    case 'datetime':
      return v.text;
  }
}
function printTerm(t: QTerm): string {
  if (t.kind === 'exists') return t.attr;
  if (t.kind === 'range') return `${t.attr}${t.op}${printValue(t.from)}..${printValue(t.to)}`;
  if (t.kind === 'pattern') return `${t.attr}${t.op}"${t.pattern.source.replace(/"/g, '\\"')}"`;
  return `${t.attr}${t.op}${t.values.map(printValue).join(',')}`;
}
function print(e: QExpr): string {
  if ('term' in e) return printTerm(e.term);
  if ('and' in e) return e.and.map((x) => ('or' in x ? `(${print(x)})` : print(x))).join(';');
  return e.or.map(print).join('|');
}

const attrArb = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);
const numberArb = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })
  .map((x) => (Object.is(x, -0) ? 0 : x))
  .filter((x) => !String(x).includes('e'));
const valueArb: fc.Arbitrary<QValue> = fc.oneof(
  numberArb.map((v) => ({ kind: 'number' as const, v })),
  fc.string({ maxLength: 12 }).map((v) => ({ kind: 'string' as const, v })),
  fc.boolean().map((v) => ({ kind: 'boolean' as const, v })),
  fc
    .date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true })
    .map((d) => ({ kind: 'datetime' as const, v: d.getTime(), text: d.toISOString() })),
);
const termArb: fc.Arbitrary<QTerm> = fc.oneof(
  attrArb.map((attr) => ({ attr, kind: 'exists' as const })),
  fc
    .tuple(attrArb, fc.constantFrom('==', '!=', '>', '>=', '<', '<=' as const), valueArb)
    .map(([attr, op, v]) => ({ attr, kind: 'compare' as const, op, values: [v] })),
  fc
    .tuple(attrArb, fc.constantFrom('==', '!=' as const), fc.array(valueArb, { minLength: 2, maxLength: 4 }))
    .map(([attr, op, values]) => ({ attr, kind: 'compare' as const, op, values })),
  fc.tuple(attrArb, fc.constantFrom('==', '!=' as const), numberArb, numberArb).map(([attr, op, a, b]) => ({
    attr,
    kind: 'range' as const,
    op,
    from: { kind: 'number' as const, v: a },
    to: { kind: 'number' as const, v: b },
  })),
);
const exprArb: fc.Arbitrary<QExpr> = fc.letrec<{ expr: QExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    termArb.map((term) => ({ term })),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((xs) => ({
      and: xs.flatMap((x) => ('and' in x ? x.and : [x])),
    })),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((xs) => ({
      or: xs.flatMap((x) => ('or' in x ? x.or : [x])),
    })),
  ),
})).expr;

describe('NGSI-LD query language parser', () => {
  it('parses comparisons, ranges, lists, strings, AND and OR', () => {
    expect(parse('pm25>35')).toEqual({
      term: { attr: 'pm25', kind: 'compare', op: '>', values: [{ kind: 'number', v: 35 }] },
    });
    expect(parse('pm25==1..10;status=="free"')).toEqual({
      and: [
        {
          term: {
            attr: 'pm25',
            kind: 'range',
            op: '==',
            from: { kind: 'number', v: 1 },
            to: { kind: 'number', v: 10 },
          },
        },
        { term: { attr: 'status', kind: 'compare', op: '==', values: [{ kind: 'string', v: 'free' }] } },
      ],
    });
    expect(parse('a==1|b==2;c')).toEqual({
      or: [
        { term: { attr: 'a', kind: 'compare', op: '==', values: [{ kind: 'number', v: 1 }] } },
        {
          and: [
            { term: { attr: 'b', kind: 'compare', op: '==', values: [{ kind: 'number', v: 2 }] } },
            { term: { attr: 'c', kind: 'exists' } },
          ],
        },
      ],
    });
  });

  it('refuses malformed queries with a position', () => {
    for (const bad of [
      '',
      'pm25>',
      '>3',
      'a==1..',
      'a>1,2',
      'a==unquoted',
      'a=="open',
      '(a==1',
      'a==1)',
      'a~=',
      'a~="(?=x)y"',
      'a~="x{2000}"',
      'a~=(x',
      'a.b==1',
      'a>true..false',
    ]) {
      const r = parseQ(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(parseQ('x'.repeat(3000)).ok).toBe(false);
    expect(parseQ('('.repeat(50) + 'a' + ')'.repeat(50)).ok).toBe(false);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseQ(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '1', '"', ';', '|', '(', ')', '=', '!', '<', '>', '.', ','), {
          maxLength: 40,
        }),
        (cs) => {
          const r = parseQ(cs.join(''));
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads full IRIs and compact IRIs as attribute names', () => {
    const iri = 'https://smartdatamodels.org/dataModel.Environment/pm25';
    expect(parse(`${iri}>35`)).toMatchObject({ term: { attr: iri, kind: 'compare', op: '>' } });
    expect(parse('ngsi-ld:location')).toEqual({ term: { attr: 'ngsi-ld:location', kind: 'exists' } });
    expect(parse(`${iri}~="^4";pm10`)).toMatchObject({ and: [{ term: { attr: iri, kind: 'pattern' } }, {}] });
  });

  it('reads patterns quoted or up to the end of the term', () => {
    const source = (q: string) => {
      const e = parse(q);
      return 'term' in e && e.term.kind === 'pattern' ? e.term.pattern.source : null;
    };
    expect(source('name~="a\\.b\\"c"')).toBe('a\\.b"c');
    expect(source('name~=^(AQ|PS)-[0-9]{4}$')).toBe('^(AQ|PS)-[0-9]{4}$');
    const or = parse('name~=^a[|;)]b|pm25>1');
    expect('or' in or && or.or.length).toBe(2);
    expect(parse('(name~=x)')).toMatchObject({ term: { kind: 'pattern' } });
  });

  it('caps the number of pattern terms', () => {
    expect(parseQ(Array.from({ length: 8 }, () => 'a~="x"').join(';')).ok).toBe(true);
    expect(parseQ(Array.from({ length: 9 }, () => 'a~="x"').join(';')).ok).toBe(false);
  });

  it('round-trips every printable expression', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(parse(print(e))).toEqual(e);
      }),
      { numRuns: 500 },
    );
  });
});

describe('NGSI-LD query language evaluation', () => {
  const aq = {
    pm25: 40,
    pm10: 60,
    status: 'free',
    on: true,
    tags: ['a', 'b'],
    seen: '2024-05-01T10:00:00.000Z',
  };

  it('compares numbers, strings, booleans and date-times', () => {
    expect(matches('pm25>35', aq)).toBe(true);
    expect(matches('pm25>=40;pm10<61', aq)).toBe(true);
    expect(matches('pm25<40', aq)).toBe(false);
    expect(matches('status=="free"', aq)).toBe(true);
    expect(matches('status!="free"', aq)).toBe(false);
    expect(matches('status=="occupied","free"', aq)).toBe(true);
    expect(matches('on==true', aq)).toBe(true);
    expect(matches('seen>2024-04-30T00:00:00Z', aq)).toBe(true);
    expect(matches('tags=="b"', aq)).toBe(true);
  });

  it('treats ranges as inclusive and != ranges as outside', () => {
    expect(matches('pm25==40..50', aq)).toBe(true);
    expect(matches('pm25==1..39.9', aq)).toBe(false);
    expect(matches('pm25!=1..10', aq)).toBe(true);
  });

  it('is false for a missing attribute or a type mismatch, even with !=', () => {
    expect(matches('no2!=3', aq)).toBe(false);
    expect(matches('status>3', aq)).toBe(false);
    expect(matches('pm25!="x"', aq)).toBe(false);
    expect(matches('pm25', aq)).toBe(true);
    expect(matches('no2', aq)).toBe(false);
  });

  it('agrees with JavaScript comparison for every number', () => {
    fc.assert(
      fc.property(numberArb, numberArb, fc.constantFrom('==', '!=', '>', '>=', '<', '<='), (x, n, op) => {
        const expected = { '==': x === n, '!=': x !== n, '>': x > n, '>=': x >= n, '<': x < n, '<=': x <= n }[
          op
        ];
        expect(matches(`v${op}${n}`, { v: x })).toBe(expected);
      }),
    );
  });

  it('matches patterns on strings only, !~= when none matches', () => {
    expect(matches('status~="^fr"', aq)).toBe(true);
    expect(matches('status~="(?i)^FREE$"', aq)).toBe(true);
    expect(matches('status!~="^occ"', aq)).toBe(true);
    expect(matches('status!~="ee"', aq)).toBe(false);
    expect(matches('tags~="^b$"', aq)).toBe(true);
    expect(matches('tags!~="^b$"', aq)).toBe(false);
    // Clause 4.9: a number is not matched by a pattern, nor by its negation.
    expect(matches('pm25~="4"', aq)).toBe(false);
    expect(matches('pm25!~="4"', aq)).toBe(false);
    expect(matches('no2~="."', aq)).toBe(false);
  });

  it('agrees with JavaScript regular expressions where both apply', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', 'x');
    const pattern = fc
      .array(fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{1,2}')), { minLength: 1, maxLength: 5 })
      .chain((parts) =>
        fc
          .tuple(fc.boolean(), fc.boolean())
          .map(([start, end]) =>
            [start ? '^' : '', ...parts.map(([a, q]) => a + q), end ? '$' : ''].join(''),
          ),
      );
    fc.assert(
      fc.property(pattern, fc.stringMatching(/^[abx1 ]{0,8}$/), (p, text) => {
        expect(matches(`v~="${p}"`, { v: text })).toBe(new RegExp(p).test(text));
      }),
      { numRuns: 500 },
    );
  });

  it('runs catastrophic-backtracking patterns in linear time', () => {
    const text = `urn:ngsi-ld:AirQualityObserved:${'A'.repeat(200)}`;
    for (const p of ['^.{13}(.|.)*!$', '(a+)+$', '^(([a-z])+.)+[A-Z]([a-z])+$', '(x+x+)+y', '(.*a){20}']) {
      const started = performance.now();
      expect(matches(`v~="${p}"`, { v: text })).toBe(false);
      // A backtracking engine needs seconds to minutes here; the bound is for a loaded 2-core machine.
      expect(performance.now() - started, p).toBeLessThan(1000);
    }
  });

  it('AND and OR follow boolean logic', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (a, b, c) => {
        const e = { a: a ? 1 : 0, b: b ? 1 : 0, c: c ? 1 : 0 };
        expect(matches('a==1;b==1|c==1', e)).toBe((a && b) || c);
        expect(matches('a==1;(b==1|c==1)', e)).toBe(a && (b || c));
      }),
    );
  });
});
