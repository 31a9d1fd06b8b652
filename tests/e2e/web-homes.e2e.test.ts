import { describe } from 'vitest';
import { setupE2e } from './support/e2e-env';
import { homeScreensSuite } from './suites/home-screens.suite';
import { homesSuite } from './suites/homes.suite';

// Every role's home and the phone shell. One server (from the demo snapshot) and one browser for
// this file; the other web-*.e2e.test.ts files run beside it.
const env = setupE2e();

// First: the reference images are of the demo district as loaded, before any test changes it.
describe('reference screenshots: homes and a case page at phone and desk size', () => homeScreensSuite(env));
describe('role homes: figures as the API gives them, phone shell', () => homesSuite(env));
