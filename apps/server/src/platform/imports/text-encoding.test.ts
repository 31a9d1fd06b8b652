import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeGbk, encodeUtf16 } from '../../test-support/gbk.js';
import { detectEncoding } from './text-encoding.js';

const register =
  '姓名,手机号,身份证号,楼栋,房号,性别,出生日期,标记\r\n' +
  '张三,13800138000,440306195001011238,B-0001,1-101,男,1950-01-01,独居老人\r\n' +
  '李四,13900139000,,B-0002,2-202,女,1962-03-04,\r\n' +
  '王小明,13700137000,,B-0001,3-301,男,2015-07-08,儿童\r\n';

/** Chinese text as registers hold it: common characters, digits, commas, line breaks. */
const commonChars = [
  ...'张李王刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文明华国建平志伟芳秀英丽强军洋勇艳杰娟涛超霞刚桂兰男女是否楼栋房号网格社区街道',
];
const registerText = fc
  .array(fc.oneof(fc.constantFrom(...commonChars), fc.constantFrom(',', '\n', '1', '3', '-', ' ', 'B')), {
    minLength: 1,
    maxLength: 200,
  })
  .map((cs) => cs.join(''))
  .filter((s) => s.split('').filter((c) => commonChars.includes(c)).length >= 4);

describe('detectEncoding', () => {
  it('reads a register in each encoding Excel and WPS save', () => {
    const cases = [
      [Buffer.from(register, 'utf8'), 'utf-8'],
      [Buffer.from(`\uFEFF${register}`, 'utf8'), 'utf-8'],
      [encodeGbk(register), 'gb18030'],
      [encodeUtf16(register, 'le'), 'utf-16le'],
      [encodeUtf16(register, 'be'), 'utf-16be'],
      // UTF-16 without its BOM: the zero bytes of the ASCII give it away.
      [Buffer.from(register, 'utf16le'), 'utf-16le'],
    ] as const;
    for (const [bytes, encoding] of cases) {
      const found = detectEncoding(bytes);
      expect(found, encoding).toEqual({ ok: true, encoding, text: register });
    }
  });

  it('takes plain ASCII as UTF-8', () => {
    expect(detectEncoding(Buffer.from('name,phone\nAlice,123\n'))).toMatchObject({
      ok: true,
      encoding: 'utf-8',
    });
  });

  it('asks when a short text reads plausibly both ways', () => {
    // "José" in UTF-8 is also GBK for "Jos茅", a common character: either could be meant.
    expect(detectEncoding(Buffer.from('name\nJosé\n'))).toEqual({
      ok: false,
      candidates: ['utf-8', 'gb18030'],
    });
  });

  it('asks rather than guessing on bytes that are no text', () => {
    const found = detectEncoding(Buffer.from([0x81, 0x20, 0xff, 0x00, 0x80, 0x0a]));
    expect(found.ok).toBe(false);
  });

  it('never throws, and whatever it reads is the exact text of the encoding it names', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const found = detectEncoding(bytes);
        if (found.ok) {
          const again = new TextDecoder(found.encoding, { fatal: true }).decode(bytes);
          expect(found.text).toBe(again);
        } else expect(found.candidates.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never reads Chinese UTF-8 as GBK, nor GBK as UTF-8', () => {
    fc.assert(
      fc.property(registerText, (text) => {
        const utf8 = detectEncoding(Buffer.from(text, 'utf8'));
        if (utf8.ok) expect(utf8).toMatchObject({ encoding: 'utf-8', text });
        const gbk = detectEncoding(encodeGbk(text));
        if (gbk.ok) expect(gbk).toMatchObject({ encoding: 'gb18030', text });
      }),
      { numRuns: 500 },
    );
  });

  it('decides without asking for a register of a dozen names', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...commonChars), { minLength: 12, maxLength: 60 }).map((c) => c.join('')),
        (names) => {
          expect(detectEncoding(Buffer.from(`姓名\n${names}\n`, 'utf8'))).toMatchObject({
            ok: true,
            encoding: 'utf-8',
          });
          expect(detectEncoding(encodeGbk(`姓名\n${names}\n`))).toMatchObject({
            ok: true,
            encoding: 'gb18030',
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
