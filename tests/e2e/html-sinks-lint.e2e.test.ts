import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../apps/web/src/components/escape-html';
import { repoRoot } from './support/server';

// The web's HTML-sink rule (eslint.config.js, ADR 0020), read from the real configuration as it
// applies to a web file, then run on code that must and must not pass.
let rule: Linter.RuleEntry;
let linter: ESLint;

beforeAll(async () => {
  const config = (await new ESLint({ cwd: repoRoot }).calculateConfigForFile(
    path.join(repoRoot, 'apps/web/src/features/cases/case-map.tsx'),
  )) as Linter.Config;
  rule = config.rules!['no-restricted-syntax']!;
  linter = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.{ts,tsx}'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
        rules: { 'no-restricted-syntax': rule },
      },
    ],
  });
});

async function findings(code: string): Promise<string[]> {
  const [result] = await linter.lintText(code, { filePath: path.join(repoRoot, 'fixture.tsx') });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const unsafe: Record<string, string> = {
  'Leaflet tooltip with a title': 'marker.bindTooltip(c.title);',
  'Leaflet tooltip with a template': 'marker.bindTooltip(`${c.title}`);',
  'Leaflet popup built by concatenation': "layer.bindPopup('<b>' + name + '</b>');",
  'Leaflet setContent': 'tooltip.setContent(c.title);',
  'Leaflet divIcon html': 'L.divIcon({ html: c.title });',
  'Leaflet attribution': 'L.tileLayer(u, { attribution: cfg.text });',
  'ECharts formatter function': 'chart.setOption({ tooltip: { formatter: (p) => p.name } });',
  'ECharts formatter template literal': 'chart.setOption({ tooltip: { formatter: `${name} {c}` } });',
  innerHTML: 'el.innerHTML = c.title;',
  outerHTML: 'el.outerHTML = c.title;',
  insertAdjacentHTML: "el.insertAdjacentHTML('beforeend', c.title);",
  'document.write': 'document.write(c.title);',
  createContextualFragment: 'range.createContextualFragment(c.title);',
  dangerouslySetInnerHTML: 'const x = <div dangerouslySetInnerHTML={{ __html: c.title }} />;',
  srcDoc: 'const y = <iframe srcDoc={c.title} />;',
};

const safe: Record<string, string> = {
  'a text element': 'marker.bindTooltip(textElement(c.title));',
  'a literal label': "marker.bindTooltip('Fixed label', { sticky: true });",
  'escaped html option': 'L.divIcon({ html: escapeHtml(c.title) });',
  'escaped attribution': 'L.tileLayer(u, { attribution: escapeHtml(cfg.text) });',
  'an ECharts string template': "chart.setOption({ tooltip: { formatter: '{b}: {c}' } });",
  textContent: 'el.textContent = c.title;',
  'escaped innerHTML': 'el.innerHTML = escapeHtml(c.title);',
  'React text': 'const z = <p title={c.title}>{c.title}</p>;',
  'a stream write': 'stream.write(c.title);',
};

describe('the HTML sink lint rule', () => {
  for (const [name, code] of Object.entries(unsafe))
    it(`refuses ${name}`, async () => {
      const found = await findings(code);
      expect(found, code).toHaveLength(1);
      expect(found[0]).toMatch(/^no-restricted-syntax: /);
    });

  for (const [name, code] of Object.entries(safe))
    it(`accepts ${name}`, async () => {
      expect(await findings(code), code).toEqual([]);
    });

  it('finds no unescaped sink anywhere in the web app', async () => {
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((n) => {
        const full = path.join(dir, n);
        return statSync(full).isDirectory() ? walk(full) : /\.tsx?$/.test(n) ? [full] : [];
      });
    })(path.join(repoRoot, 'apps/web/src'));
    expect(files.length).toBeGreaterThan(50);
    const results = await linter.lintFiles(files);
    // Only this rule (and files it could not read); other rules' disable comments name plugins not loaded here.
    const problems = results.flatMap((r) =>
      r.messages
        .filter((m) => m.fatal || m.ruleId === 'no-restricted-syntax')
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(problems).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('turns every character HTML treats specially into an entity', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    expect(escapeHtml('张三 · Flat 502')).toBe('张三 · Flat 502');
  });
});
