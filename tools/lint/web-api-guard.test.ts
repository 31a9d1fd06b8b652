import { fileURLToPath } from 'node:url';
import { endpoints } from '@civitas/contracts/endpoints';
import { describe, expect, it } from 'vitest';
import {
  checkSource,
  checkTree,
  CLIENT_FILE,
  contractObjectTypes,
  responseShapes,
  sourceFiles,
} from './web-api-guard.js';

const webSrc = fileURLToPath(new URL('../../apps/web/src', import.meta.url));
const contractsSrc = fileURLToPath(new URL('../../packages/contracts/src', import.meta.url));
const shapes = responseShapes(endpoints);
const contractModules = await Promise.all(
  sourceFiles(contractsSrc)
    .filter((f) => !f.endsWith('.test.ts'))
    .map((f) => import(`${contractsSrc}/${f}`) as Promise<Record<string, unknown>>),
);
const objectTypes = contractObjectTypes(contractModules);
const rules = (file: string, source: string) =>
  checkSource(file, source, shapes, objectTypes).map((v) => v.rule);

describe('web API guard (the web calls the API only through the typed client)', () => {
  it('finds the response shapes of the endpoint definitions, nested ones included', () => {
    // A case page's items are cases; both the page and the case must be known shapes.
    expect(shapes).toContainEqual(['items', 'limit', 'offset', 'total', 'totalExact']);
    expect(shapes.some((s) => ['id', 'state', 'version', 'category'].every((k) => s.includes(k)))).toBe(true);
  });

  it('knows which contract types are objects (answers) and which are enums', () => {
    expect(objectTypes).toContain('CaseDetail');
    expect(objectTypes).toContain('AnyCase');
    expect(objectTypes).not.toContain('Department');
  });

  it('passes the web app as it is', () => {
    expect(sourceFiles(webSrc)).toContain(CLIENT_FILE);
    expect(checkTree(webSrc, shapes, objectTypes)).toEqual([]);
  });

  it('fails on a raw /api/ path outside the client, in a string or a template', () => {
    expect(rules('features/cases/x.ts', "const url = '/api/v1/cases';")).toEqual(['raw-api-path']);
    expect(rules('features/cases/x.ts', 'const url = `/api/v1/cases/${id}/actions`;')).toEqual([
      'raw-api-path',
    ]);
    expect(rules('features/cases/x.tsx', '<a href="/api/v1/cases.csv">csv</a>')).toEqual(['raw-api-path']);
    // The client itself builds URLs; a comment naming a path is no request.
    expect(rules(CLIENT_FILE, "const p = '/api/v1/auth/';")).toEqual([]);
    expect(rules('features/x.ts', '// GET /api/v1/live streams events\nconst a = 1;')).toEqual([]);
  });

  it('fails on a request made by hand', () => {
    expect(rules('features/x.ts', 'const r = await fetch(url);')).toEqual(['raw-request']);
    expect(rules('features/x.ts', 'const r = await window.fetch(url);')).toEqual(['raw-request']);
    expect(rules('features/x.ts', 'const data = await response.json();')).toEqual(['raw-request']);
    expect(rules('features/x.ts', 'const x = new XMLHttpRequest();')).toEqual(['raw-request']);
  });

  it('fails on a hand-written copy of a response type, as an interface or a type', () => {
    const page = 'items: Case[]; total: number; totalExact: boolean; limit: number; offset: number;';
    expect(rules('features/cases/x.ts', `export interface CasePage { ${page} }`)).toEqual([
      'hand-written-response-type',
    ]);
    expect(rules('features/cases/x.ts', `type CasePage = { ${page} extra: string };`)).toEqual([
      'hand-written-response-type',
    ]);
    // A type derived from the contract, and a screen's own state, are fine.
    expect(rules('features/cases/x.ts', 'type CasePage = ResponseOf<typeof endpoints.cases.list>;')).toEqual(
      [],
    );
    expect(rules('features/x.ts', 'interface Draft { name: string; days: string; busy: boolean }')).toEqual(
      [],
    );
  });

  it('fails on a cast to a shape written in place or to a contract type, and on a type argument that overrides the definition', () => {
    expect(rules('features/x.ts', 'const f = e.detail as { title?: string };')).toEqual(['shape-cast']);
    expect(rules('features/x.ts', 'const f = e.detail as { title?: string } | null;')).toEqual([
      'shape-cast',
    ]);
    const fromContracts = "import type { CaseDetail, PublicCase } from '@civitas/contracts/cases';\n";
    expect(rules('features/x.ts', `${fromContracts}const c = current as CaseDetail | PublicCase;`)).toEqual([
      'contract-cast',
    ]);
    expect(rules('features/x.ts', `${fromContracts}const n = count as number;`)).toEqual([]);
    // Narrowing a select's value to an enum of the contracts is no answer read by hand.
    const enums = "import type { Department, CategoryInput } from '@civitas/contracts/cases';\n";
    expect(rules('features/x.ts', `${enums}const d = e.target.value as Department | '';`)).toEqual([]);
    expect(rules('features/x.ts', `${enums}const d = v as CategoryInput['department'];`)).toEqual([]);
    expect(
      rules('features/x.ts', 'const c = await call<Case>(endpoints.cases.get, { params: { id } });'),
    ).toEqual(['typed-call']);
    expect(rules('features/x.ts', 'const r = useEndpoint<Case[]>(endpoints.cases.list, {});')).toEqual([
      'typed-call',
    ]);
  });
});
