import { describe, expect, it } from 'vitest';
import { nameTokens, normalizeName } from './name-tokens.js';

describe('name tokens', () => {
  it('gives a Chinese name its full form, pinyin both ways and initials', () => {
    expect(nameTokens('张三').sort()).toEqual(['sanzhang', 'zhangsan', 'zs', '张三'].sort());
  });

  it('reads the surname as a surname and keeps a compound surname together', () => {
    expect(nameTokens('曾小贤')).toContain('zengxiaoxian');
    expect(nameTokens('单田芳')).toContain('shantianfang');
    expect(nameTokens('欧阳娜娜')).toEqual(expect.arrayContaining(['ouyangnana', 'nanaouyang', 'oynn']));
  });

  it('ignores spaces, width, case, accents and punctuation', () => {
    expect(normalizeName('Ｚｈａｎｇ　Ｓａｎ')).toBe('zhangsan');
    expect(normalizeName('ZHANG-san')).toBe('zhangsan');
    expect(normalizeName('王 小明')).toBe('王小明');
    expect(normalizeName('阿依古丽·买买提')).toBe('阿依古丽买买提');
    expect(nameTokens('José María López')).toEqual(
      expect.arrayContaining(['josemarialopez', 'lopezjosemaria', 'marialopezjose']),
    );
  });

  it('indexes whole forms only, never a part of a name', () => {
    const tokens = nameTokens('张三丰');
    for (const part of ['张', '三丰', 'zhang', 'sanfeng', 'z']) expect(tokens).not.toContain(part);
    expect(nameTokens('John Smith')).not.toContain('john');
    expect(nameTokens('  ')).toEqual([]);
  });
});
