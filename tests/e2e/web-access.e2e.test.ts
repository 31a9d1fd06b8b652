import { describe } from 'vitest';
import { setupE2e } from './support/e2e-env';
import { accountSuite } from './suites/account.suite';
import { importSuite } from './suites/import.suite';
import { importFormatsSuite } from './suites/import-formats.suite';
import { interactionSuite } from './suites/interaction.suite';
import { layoutSuite } from './suites/layout.suite';
import { listsSuite } from './suites/lists.suite';
import { nameSearchSuite } from './suites/name-search.suite';
import { navigationSuite } from './suites/navigation.suite';
import { residentsSuite } from './suites/residents.suite';
import { usersSuite } from './suites/users.suite';

// People and access: roles, residents, users, accounts. One server (from the demo snapshot) and
// one browser for this file; the other web-*.e2e.test.ts files have their own and run beside it.
const env = setupE2e();

describe('navigation and access by role', () => navigationSuite(env));
describe('residents: scope, reveal, audit', () => residentsSuite(env));
describe('residents: find by name, units by name', () => nameSearchSuite(env));
describe('resident CSV import', () => importSuite(env));
describe('import formats: GBK, xlsx, preview, row errors in Chinese', () => importFormatsSuite(env));
describe('language, keyboard, map, audit chain', () => interactionSuite(env));
describe('users', () => usersSuite(env));
describe('my account', () => accountSuite(env));
describe('layout and reading', () => layoutSuite(env));
// Last: it spends sign-in attempts from this address until the server asks it to wait.
describe('lists and sign-in throttling', () => listsSuite(env));
