import { describe } from 'vitest';
import { setupE2e } from './support/e2e-env';
import { caseExtrasSuite } from './suites/case-extras.suite';
import { casesSuite } from './suites/cases.suite';
import { gridOfflineSuite } from './suites/grid-offline.suite';
import { gridLoopSuite } from './suites/grid-loop.suite';
import { gridPhotoOfflineSuite } from './suites/grid-photo-offline.suite';
import { injectionSuite } from './suites/injection.suite';
import { languageSuite } from './suites/language.suite';
import { metricsSuite } from './suites/metrics.suite';
import { orgEditSuite } from './suites/org-edit.suite';

// Cases, the grid worker app, governance metrics and stored-HTML injection. One server (from the
// demo snapshot) and one browser for this file; the other web-*.e2e.test.ts files run beside it.
const env = setupE2e();

describe('case center: report, grid worker, hotline, conflicts, inbox, rules', () => casesSuite(env));
describe('grid worker app offline', () => gridOfflineSuite(env));
describe('grid worker app offline: photo evidence', () => gridPhotoOfflineSuite(env));
describe('case photos, caller contact, categories, resident home', () => caseExtrasSuite(env));
describe('governance metrics: drill-down, breakdowns, period', () => metricsSuite(env));
describe('stored HTML injection: every written field, every page that shows it', () => injectionSuite(env));
describe('the reader language: system titles, notifications, timeline, metric names', () =>
  languageSuite(env));
describe('grid worker loop: offers, photo rule, refusals, offline pages (zh-CN phone)', () =>
  gridLoopSuite(env));
// Last: it adds, merges and retires units of its own, which the lists suite of web-access picked up.
describe('org edit: import, rename, retire, merge', () => orgEditSuite(env));
