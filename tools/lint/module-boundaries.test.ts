import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter, type Rule } from 'eslint';
import { describe, expect, it } from 'vitest';
import boundaries from './module-boundaries.mjs';

// A plain ES module, loaded the way eslint.config.js loads it.
const rule = boundaries as unknown as Rule.RuleModule;

const srcRoot = fileURLToPath(new URL('../../apps/server/src', import.meta.url));
const linter = new Linter({ configType: 'flat' });

function lint(file: string, code: string, baseline: string[] = []): string[] {
  return linter
    .verify(
      code,
      [
        {
          files: ['**/*.ts'],
          plugins: { civitas: { rules: { 'module-boundaries': rule } } },
          rules: { 'civitas/module-boundaries': ['error', { srcRoot, baseline }] },
        },
      ],
      path.join(srcRoot, file),
    )
    .map((m) => m.message);
}

describe('module boundaries lint', () => {
  it('refuses platform code that imports a module', () => {
    expect(lint('platform/http/x.ts', "import { a } from '../../modules/orgs/orgs.service.js';")).toEqual([
      expect.stringMatching(/platform code imports the orgs module/),
    ]);
  });

  it("refuses a module reaching into another module's repository or tables, at any depth", () => {
    expect(lint('modules/cases/x.ts', "import { R } from '../orgs/orgs.repository.js';")).toEqual([
      expect.stringMatching(/the cases module reaches into orgs's repository; use the orgs service/),
    ]);
    expect(lint('modules/interop/ngsi-ld/x.ts', "export { T } from '../../cases/cases.tables.js';")).toEqual([
      expect.stringMatching(/reaches into cases's tables/),
    ]);
  });

  it('refuses a module importing the composition root', () => {
    expect(lint('modules/devices/x.ts', "const s = await import('../../services.js');")).toEqual([
      expect.stringMatching(/imports the composition root \(services\)/),
    ]);
  });

  it("refuses the composition root, the CLI or the demo reaching into a module's repository or tables", () => {
    expect(lint('services.ts', "import { R } from './modules/identity/identity.repository.js';")).toEqual([
      expect.stringMatching(/outside the modules reaches into identity's repository/),
    ]);
    expect(lint('demo/demo-loader.ts', "import { T } from '../modules/cases/cases.tables.js';")).toEqual([
      expect.stringMatching(/outside the modules reaches into cases's tables/),
    ]);
    expect(
      lint(
        'services.ts',
        [
          "import { m } from './modules/identity/identity.module.js';",
          "import { S } from './platform/settings/settings-store.js';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it("allows a module's own repository, another module's service, the platform, and the baseline", () => {
    expect(
      lint(
        'modules/cases/sub/x.ts',
        [
          "import { A } from '../cases.repository.js';",
          "import { B } from '../../orgs/orgs.service.js';",
          "import { C } from '../../../platform/db/schema.js';",
          "import { D } from '../../notifications/notifications.repository.js';",
        ].join('\n'),
        ['modules/cases/sub/x.ts -> modules/notifications/notifications.repository.ts'],
      ),
    ).toEqual([]);
  });
});
