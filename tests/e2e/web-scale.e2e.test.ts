import { describe } from 'vitest';
import { setupE2e } from './support/e2e-env';
import { deviceMapSuite } from './suites/device-map.suite';
import { deviceProfilesSuite } from './suites/device-profiles.suite';
import { devicesSuite } from './suites/devices.suite';
import { residentsCountSuite } from './suites/residents-count.suite';

// Devices and the volume tests: 5,000 devices on the map, residents past the counting cap. One
// server (from the demo snapshot) and one browser for this file; the other web-*.e2e.test.ts
// files run beside it, so their counts never see these imports.
const env = setupE2e();

describe('devices: health, live detail, isolation, import', () => devicesSuite(env));
describe('device map with 5,000 devices', () => deviceMapSuite(env));
describe('device profiles as data, import tokens', () => deviceProfilesSuite(env));
describe('residents past the counting cap', () => residentsCountSuite(env));
