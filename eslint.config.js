import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import moduleBoundaries from './tools/lint/module-boundaries.mjs';

// HTML sinks (ADR 0020): APIs that parse a string as HTML take only a literal or the output of
// apps/web/src/components/escape-html.ts, so text a person wrote never becomes markup. Proved by
// tests/e2e/html-sinks-lint.e2e.test.ts; the injection e2e suite checks the pages themselves.
const escaped = (path) => `[${path}.callee.name=/^(escapeHtml|textElement)$/]`;
const sinkHelp = 'pass a literal, escapeHtml(text) or textElement(text) from components/escape-html';
export const htmlSinkRules = [
  {
    selector: `CallExpression[callee.property.name=/^(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)$/]:not([arguments.0.type='Literal']):not(${escaped('arguments.0')})`,
    message: `Leaflet parses string content as HTML: ${sinkHelp}.`,
  },
  {
    selector: `CallExpression[callee.property.name=/^(divIcon|tooltip|popup)$/] > ObjectExpression > Property[key.name=/^(html|content)$/]:not([value.type='Literal']):not(${escaped('value')})`,
    message: `Leaflet parses html/content options as HTML: ${sinkHelp}.`,
  },
  {
    selector: `Property[key.name='attribution']:not([value.type='Literal']):not(${escaped('value')})`,
    message: `Leaflet shows attribution as HTML: ${sinkHelp}.`,
  },
  {
    selector: `Property[key.name='formatter']:not([value.type='Literal'])`,
    message:
      'ECharts puts what a formatter function or template literal returns into the page as HTML: use a string template such as "{b}: {c}" (ECharts escapes the values), or disable this line with a reason once every value passes escapeHtml.',
  },
  {
    selector: `AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]:not([right.type='Literal']):not(${escaped('right')})`,
    message: `innerHTML/outerHTML parse HTML: set textContent, or ${sinkHelp}.`,
  },
  {
    selector: `CallExpression[callee.property.name='insertAdjacentHTML']:not([arguments.1.type='Literal']):not(${escaped('arguments.1')})`,
    message: `insertAdjacentHTML parses HTML: use insertAdjacentText, or ${sinkHelp}.`,
  },
  {
    selector: `CallExpression[callee.property.name=/^(write|writeln)$/][callee.object.name='document'], CallExpression[callee.property.name='createContextualFragment']`,
    message: 'document.write and createContextualFragment parse HTML: build elements with textContent.',
  },
  {
    selector: `JSXAttribute[name.name=/^(dangerouslySetInnerHTML|srcDoc)$/]`,
    message:
      'React renders text safely; dangerouslySetInnerHTML and srcDoc bypass that. Render the text as children.',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-artifacts/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
      // Fastify handlers and Kysely drivers are async by contract even when a body needs no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Module boundaries (tools/lint/module-boundaries.mjs). Tests assemble whole apps and are exempt.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'apps/server/src/test-support/**'],
    plugins: { civitas: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: {
      'civitas/module-boundaries': [
        'error',
        {
          srcRoot: `${import.meta.dirname}/apps/server/src`,
          // Crossings that predate the rule, as "importing file -> imported file" (from srcRoot). Empty
          // since issue 9 replaced the last ones with calls to the owning module's service; nothing
          // may be added here.
          baseline: [],
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, 'no-restricted-syntax': ['error', ...htmlSinkRules] },
  },
  {
    files: ['**/*.test.ts', 'tools/**', 'apps/server/src/test-support/**', 'tests/**'],
    // Tests read untyped JSON responses on purpose: asserting on them is the point.
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
