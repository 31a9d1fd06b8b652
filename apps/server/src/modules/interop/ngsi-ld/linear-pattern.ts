import { RE2JS } from 're2js';

/**
 * Regular expressions from the network (idPattern, the q operators `~=` and `!~=`) run on RE2JS,
 * an automaton engine whose matching time is linear in the input: no pattern backtracks, so none
 * can hold the event loop (ADR 0019). The price is RE2 syntax: no backreferences or lookaround,
 * which the spec's POSIX-style patterns do not need. Length and compiled size are capped so one
 * match costs at most a few milliseconds on the short texts entities hold.
 */
export const MAX_PATTERN_LENGTH = 256;
export const MAX_PROGRAM_SIZE = 1000;
const MAX_REPEAT_SUM = 1000;

export type LinearPattern = { test(input: string): boolean; source: string };

export function compileLinear(src: string): { ok: true; re: LinearPattern } | { ok: false; error: string } {
  if (src.length === 0) return { ok: false, error: 'empty regular expression' };
  if (src.length > MAX_PATTERN_LENGTH)
    return { ok: false, error: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` };
  // Compiling is the one cost paid before the size check; counted repetitions are what make a short
  // pattern compile to a large program, so their sum is bounded first (RE2 bounds nesting itself).
  let repeats = 0;
  for (const m of src.matchAll(/\{(\d{1,6})(?:,(\d{0,6}))?\}/g))
    repeats += Math.max(Number(m[1]), Number(m[2] || 0));
  if (repeats > MAX_REPEAT_SUM)
    return { ok: false, error: 'regular expression too large: use fewer or smaller repetitions' };
  let re: RE2JS;
  try {
    re = RE2JS.compile(src);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : 'invalid';
    return { ok: false, error: `not a valid regular expression (RE2 syntax): ${why.slice(0, 120)}` };
  }
  if (re.programSize() > MAX_PROGRAM_SIZE)
    return { ok: false, error: 'regular expression too large: use fewer or smaller repetitions' };
  return { ok: true, re: { test: (input) => re.test(input), source: src } };
}
