import { describe } from 'vitest';
import { setupE2e } from './support/e2e-env';
import { accountSuite } from './suites/account.suite';
import { deviceMapSuite } from './suites/device-map.suite';
import { devicesSuite } from './suites/devices.suite';
import { casesSuite } from './suites/cases.suite';
import { caseExtrasSuite } from './suites/case-extras.suite';
import { gridOfflineSuite } from './suites/grid-offline.suite';
import { gridPhotoOfflineSuite } from './suites/grid-photo-offline.suite';
import { importSuite } from './suites/import.suite';
import { injectionSuite } from './suites/injection.suite';
import { interactionSuite } from './suites/interaction.suite';
import { listsSuite } from './suites/lists.suite';
import { metricsSuite } from './suites/metrics.suite';
import { navigationSuite } from './suites/navigation.suite';
import { residentsSuite } from './suites/residents.suite';
import { residentsCountSuite } from './suites/residents-count.suite';
import { usersSuite } from './suites/users.suite';

// One server and one browser serve every suite; starting the demo district is the slow part.
const env = setupE2e();

describe('navigation and access by role', () => navigationSuite(env));
describe('residents: scope, reveal, audit', () => residentsSuite(env));
describe('resident CSV import', () => importSuite(env));
describe('language, keyboard, map, audit chain', () => interactionSuite(env));
describe('users', () => usersSuite(env));
describe('my account', () => accountSuite(env));
describe('devices: health, live detail, isolation, import', () => devicesSuite(env));
describe('device map with 5,000 devices', () => deviceMapSuite(env));
describe('case center: report, grid worker, hotline, conflicts, inbox, rules', () => casesSuite(env));
describe('grid worker app offline', () => gridOfflineSuite(env));
describe('grid worker app offline: photo evidence', () => gridPhotoOfflineSuite(env));
describe('case photos, caller contact, categories, resident home', () => caseExtrasSuite(env));
describe('governance metrics: drill-down, breakdowns, period', () => metricsSuite(env));
describe('stored HTML injection: every written field, every page that shows it', () => injectionSuite(env));
// Takes the district past 10,000 residents, so it runs after every test that counts them.
describe('residents past the counting cap', () => residentsCountSuite(env));
// Last: it locks a (non-existent) account and spends sign-in attempts.
describe('lists and sign-in throttling', () => listsSuite(env));
