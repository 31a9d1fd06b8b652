import { pinyin } from 'pinyin-pro';

/**
 * The forms a resident's name is looked up by (ADR 0045). Each form is one exact token; the
 * blind index stores a keyed digest per token, so a query matches only a whole form, never a
 * part of a name. The query goes through `normalizeName` alone: a search for 张三 does not match
 * 章三 (same pinyin), while a search for "zhang san" matches 张三 through its pinyin form.
 */

/** Compound surnames: the given name starts after two characters, not one. */
const COMPOUND_SURNAMES = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '令狐',
  '钟离',
  '端木',
  '澹台',
  '独孤',
  '南宫',
  '西门',
  '申屠',
  '呼延',
  '百里',
]);

const HAN = /\p{Script=Han}/u;

/**
 * Case, width, accents, spaces and punctuation do not tell two names apart: "Zhang San",
 * "ZHANG-SAN", full-width "Ｚｈａｎｇ Ｓａｎ" and "zhangsan" are one token, 张 三 and 张三 one, 阿依古丽·买买提 and
 * 阿依古丽买买提 one.
 */
export function normalizeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .normalize('NFC');
}

/** The words of a name, each normalised, empty ones dropped. */
function words(s: string): string[] {
  return s
    .split(/[\s\p{P}\p{S}]+/u)
    .map(normalizeName)
    .filter((w) => w.length > 0);
}

/** Syllables of the Han part of a name, surname read as a surname (曾 zeng, 单 shan). */
function syllables(han: string): string[] {
  return pinyin(han, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'removed' })
    .map(normalizeName)
    .filter((p) => p.length > 0);
}

/** The index tokens of one name: distinct, none empty. */
export function nameTokens(name: string): string[] {
  const full = normalizeName(name);
  if (full.length === 0) return [];
  const out = new Set([full]);
  if (HAN.test(full)) {
    const han = [...full].filter((c) => HAN.test(c)).join('');
    const parts = syllables(han);
    const surnameLength = COMPOUND_SURNAMES.has(han.slice(0, 2)) ? 2 : 1;
    if (parts.length > 0) {
      // Full pinyin, surname first (zhangsan) and given name first (sanzhang, as written in
      // Hong Kong, Singapore or a passport), and the initials staff type on a phone (zs).
      out.add(parts.join(''));
      if (parts.length > surnameLength)
        out.add([...parts.slice(surnameLength), ...parts.slice(0, surnameLength)].join(''));
      out.add(parts.map((p) => p[0]).join(''));
    }
  } else {
    // Latin and other scripts: the name in either order, family name last or first.
    const w = words(name);
    if (w.length > 1) {
      out.add([w[w.length - 1]!, ...w.slice(0, -1)].join(''));
      out.add([...w.slice(1), w[0]!].join(''));
    }
  }
  return [...out];
}
