import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/server';

const i18nDir = path.join(repoRoot, 'apps/web/src/app/i18n');
const srcDir = path.join(repoRoot, 'apps/web/src');

type Tree = { [key: string]: string | Tree };

function flatKeys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : flatKeys(value, `${prefix}${key}.`),
  );
}

function load(file: string): string[] {
  return flatKeys(JSON.parse(readFileSync(path.join(i18nDir, file), 'utf8')) as Tree).sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('web translations', () => {
  const zh = load('zh-CN.json');
  const en = load('en.json');

  it('zh-CN and en have identical key sets', () => {
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
    expect(zh.length).toBeGreaterThan(100);
  });

  it('every literal key used in the components exists', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(srcDir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z]+(?:\.[a-zA-Z_]+)+)'/g)) used.add(match[1] ?? '');
      for (const match of text.matchAll(/(?:Key|key)\s*[:=]\s*'([a-zA-Z]+(?:\.[a-zA-Z_]+)+)'/g))
        used.add(match[1] ?? '');
      for (const match of text.matchAll(
        /\?\s*'([a-zA-Z]+\.[a-zA-Z_.]+)'\s*:\s*'([a-zA-Z]+\.[a-zA-Z_.]+)'/g,
      )) {
        used.add(match[1] ?? '');
        used.add(match[2] ?? '');
      }
    }
    expect(used.size).toBeGreaterThan(50);
    // A key used with a count resolves to its plural forms (i18next: key_one, key_other).
    const exists = (k: string) => en.includes(k) || (en.includes(`${k}_one`) && en.includes(`${k}_other`));
    expect([...used].filter((k) => !exists(k))).toEqual([]);
  });
});
