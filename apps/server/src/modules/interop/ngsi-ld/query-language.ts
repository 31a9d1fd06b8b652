import { compileLinear, type LinearPattern } from './linear-pattern.js';

/**
 * A subset of the NGSI-LD query language (CIM 009 clause 4.9): comparisons `== != > >= < <=`,
 * value lists (`a==1,2`), ranges (`a==1..10`), quoted strings, booleans, unquoted DateTimes,
 * bare attribute names (existence), the pattern operators `~=` and `!~=`, `;` (AND), `|` (OR) and
 * parentheses. AND binds tighter than OR. Attribute names are terms or full IRIs (resolved against
 * the request's @context by the caller). Patterns run on a linear-time engine (linear-pattern.ts).
 * Not supported: sub-attribute and compound paths (`a.b`, `a[b]`). Parsing never throws.
 */

export type QValue =
  | { kind: 'number'; v: number }
  | { kind: 'string'; v: string }
  | { kind: 'boolean'; v: boolean }
  | { kind: 'datetime'; v: number; text: string };

export type QOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type QTerm =
  | { attr: string; kind: 'exists' }
  | { attr: string; kind: 'compare'; op: QOp; values: QValue[] }
  | { attr: string; kind: 'range'; op: '==' | '!='; from: QValue; to: QValue }
  | { attr: string; kind: 'pattern'; op: '~=' | '!~='; pattern: LinearPattern };

export type QExpr = { and: QExpr[] } | { or: QExpr[] } | { term: QTerm };

export type QParse = { ok: true; expr: QExpr } | { ok: false; error: string };

const MAX_LENGTH = 2000;
const MAX_DEPTH = 20;
/** Each pattern term costs a match per entity; a handful covers real queries. */
export const MAX_PATTERN_TERMS = 8;
// A term (`pm25`), a compact IRI (`ngsi-ld:location`) or an absolute IRI up to the operator.
const ATTR = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/[A-Za-z0-9._:/#@%+-]+|[A-Za-z][\w-]*:\w+|\w+)/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const OPS: QOp[] = ['==', '!=', '>=', '<=', '>', '<'];

class Fail extends Error {}

export function parseQ(src: string): QParse {
  if (src.length === 0) return { ok: false, error: 'q is empty' };
  if (src.length > MAX_LENGTH) return { ok: false, error: `q is longer than ${MAX_LENGTH} characters` };
  const p = new Parser(src);
  try {
    const expr = p.expr(0);
    if (p.i < src.length) p.fail(`unexpected ${JSON.stringify(src[p.i])}`);
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.message };
    throw e;
  }
}

class Parser {
  i = 0;
  patterns = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new Fail(`q: ${what} at position ${this.i}`);
  }

  expr(depth: number): QExpr {
    if (depth > MAX_DEPTH) this.fail('too deeply nested');
    const parts = [this.conj(depth)];
    while (this.s[this.i] === '|') {
      this.i++;
      parts.push(this.conj(depth));
    }
    return parts.length === 1 ? parts[0]! : { or: parts };
  }

  private conj(depth: number): QExpr {
    const parts = [this.factor(depth)];
    while (this.s[this.i] === ';') {
      this.i++;
      parts.push(this.factor(depth));
    }
    return parts.length === 1 ? parts[0]! : { and: parts };
  }

  private factor(depth: number): QExpr {
    if (this.s[this.i] === '(') {
      this.i++;
      const e = this.expr(depth + 1);
      if (this.s[this.i] !== ')') this.fail('expected ")"');
      this.i++;
      return e;
    }
    return { term: this.term() };
  }

  private term(): QTerm {
    const m = ATTR.exec(this.s.slice(this.i));
    if (!m) this.fail('expected an attribute name');
    const attr = m[0];
    this.i += attr.length;
    const rest = this.s.slice(this.i);
    if (rest.startsWith('.') || rest.startsWith('[')) this.fail('attribute paths are not supported');
    const pop = rest.startsWith('~=') ? '~=' : rest.startsWith('!~=') ? '!~=' : null;
    if (pop) {
      this.i += pop.length;
      if (++this.patterns > MAX_PATTERN_TERMS) this.fail(`at most ${MAX_PATTERN_TERMS} pattern terms`);
      const at = this.i;
      const compiled = compileLinear(this.patternText());
      if (!compiled.ok) {
        this.i = at;
        this.fail(compiled.error);
      }
      return { attr, kind: 'pattern', op: pop, pattern: compiled.re };
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) return { attr, kind: 'exists' };
    this.i += op.length;
    const first = this.value();
    if (this.s.startsWith('..', this.i)) {
      if (op !== '==' && op !== '!=') this.fail('a range needs == or !=');
      this.i += 2;
      const to = this.value();
      if (to.kind !== first.kind || to.kind === 'boolean')
        this.fail('range ends must be of one orderable type');
      return { attr, kind: 'range', op, from: first, to };
    }
    const values = [first];
    while (this.s[this.i] === ',') {
      if (op !== '==' && op !== '!=') this.fail('a value list needs == or !=');
      this.i++;
      values.push(this.value());
    }
    return { attr, kind: 'compare', op, values };
  }

  private value(): QValue {
    const rest = this.s.slice(this.i);
    if (rest.startsWith('"')) return this.quoted();
    const dt = DATETIME.exec(rest);
    if (dt) {
      const v = Date.parse(dt[0]);
      if (Number.isNaN(v)) this.fail('invalid date-time');
      this.i += dt[0].length;
      return { kind: 'datetime', v, text: dt[0] };
    }
    const num = NUMBER.exec(rest);
    if (num) {
      this.i += num[0].length;
      const v = Number(num[0]);
      if (!Number.isFinite(v)) this.fail('number out of range');
      return { kind: 'number', v };
    }
    for (const b of [true, false]) {
      if (rest.startsWith(String(b))) {
        this.i += String(b).length;
        return { kind: 'boolean', v: b };
      }
    }
    return this.fail('expected a value (number, "string", true, false or date-time)');
  }

  /**
   * A pattern is a quoted string (where `\"` is a quote and other escapes stay for the regex), or
   * the text up to the `;`, `|` or `)` that ends the term, outside brackets and parentheses.
   */
  private patternText(): string {
    const s = this.s;
    if (s[this.i] === '"') {
      let out = '';
      for (this.i++; this.i < s.length; this.i++) {
        const c = s[this.i]!;
        if (c === '"') {
          this.i++;
          return out;
        }
        if (c === '\\' && s[this.i + 1] === '"') {
          out += '"';
          this.i++;
        } else out += c;
      }
      return this.fail('unterminated pattern');
    }
    const start = this.i;
    let depth = 0;
    let inClass = false;
    for (; this.i < s.length; this.i++) {
      const c = s[this.i]!;
      if (c === '\\') this.i++;
      else if (inClass) inClass = c !== ']';
      else if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')' && depth > 0) depth--;
      else if (depth === 0 && (c === ';' || c === '|' || c === ')')) break;
    }
    return s.slice(start, Math.min(this.i, s.length));
  }

  private quoted(): QValue {
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return { kind: 'string', v: out };
      }
      if (c === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) break;
        out += next;
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    return this.fail('unterminated string');
  }
}

/** Evaluates a parsed query against an entity; `valueOf` gives an attribute's value or undefined. */
export function evaluateQ(expr: QExpr, valueOf: (attr: string) => unknown): boolean {
  if ('and' in expr) return expr.and.every((e) => evaluateQ(e, valueOf));
  if ('or' in expr) return expr.or.some((e) => evaluateQ(e, valueOf));
  const t = expr.term;
  const target = valueOf(t.attr);
  if (target === undefined || target === null) return false;
  if (t.kind === 'exists') return true;
  // An array-valued attribute matches when one of its elements does; != needs none to be equal.
  const items = Array.isArray(target) ? (target as unknown[]) : [target];
  const test = (x: unknown) => termHolds(t, x);
  return t.op === '!=' || t.op === '!~=' ? items.every(test) : items.some(test);
}

function termHolds(t: Exclude<QTerm, { kind: 'exists' }>, x: unknown): boolean {
  // Clause 4.9: a pattern applies to strings; any other target makes the term false.
  if (t.kind === 'pattern') return typeof x === 'string' && t.pattern.test(x) === (t.op === '~=');
  if (t.kind === 'range') {
    const lo = compare(x, t.from);
    const hi = compare(x, t.to);
    // Clause 4.9: a term whose target and value types differ is false, whatever the operator.
    if (lo === null || hi === null) return false;
    const inside = lo >= 0 && hi <= 0;
    return t.op === '==' ? inside : !inside;
  }
  const cmps = t.values.map((v) => compare(x, v));
  if (cmps.some((c) => c === null)) return false;
  const c = cmps as number[];
  switch (t.op) {
    case '==':
      return c.some((d) => d === 0);
    case '!=':
      return c.every((d) => d !== 0);
    case '>':
      return c[0]! > 0;
    case '>=':
      return c[0]! >= 0;
    case '<':
      return c[0]! < 0;
    case '<=':
      return c[0]! <= 0;
  }
}

/** Sign of x − v, or null when the two are not comparable (different types). */
function compare(x: unknown, v: QValue): number | null {
  switch (v.kind) {
    case 'number':
      return typeof x === 'number' ? Math.sign(x - v.v) : null;
    case 'string':
      return typeof x === 'string' ? (x < v.v ? -1 : x > v.v ? 1 : 0) : null;
    case 'boolean':
      return typeof x === 'boolean' ? (x === v.v ? 0 : x ? 1 : -1) : null;
    case 'datetime': {
      const ms = typeof x === 'string' && DATETIME.test(x) ? Date.parse(x) : NaN;
      return Number.isNaN(ms) ? null : Math.sign(ms - v.v);
    }
  }
}
