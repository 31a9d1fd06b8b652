import { builtinProfiles } from '../modules/devices/builtin-profiles.js';
import type { DemoDistrict } from './demo-district.js';

export interface DemoDevice {
  code: string;
  name: string;
  profile: string;
  format: 'thingsboard' | 'fiware' | 'senml';
  buildingCode: string;
  /** Offset from the building, in degrees, so devices do not sit exactly on top of it. */
  dLat: number;
  dLng: number;
}

/** What each urban community and each village is fitted with. */
const urbanKit = [
  'air-quality',
  'noise',
  'waste-bin',
  'waste-bin',
  'streetlight',
  'streetlight',
  'parking-spot',
  'smoke-detector',
  'sos-wearable',
  'electricity-meter',
];
const villageKit = [
  'air-quality',
  'water-level',
  'water-quality',
  'waste-bin',
  'streetlight',
  'smoke-detector',
  'sos-wearable',
];
const formats = ['thingsboard', 'fiware', 'senml'] as const;
const profileNames = new Map(builtinProfiles.map((p) => [p.code, p.name['zh-CN']]));

/**
 * Demo devices, derived deterministically from the demo district: one kit per community or
 * village, placed next to its buildings, spread over the three device formats.
 */
export function demoDevices(d: DemoDistrict): DemoDevice[] {
  const out: DemoDevice[] = [];
  const communities = d.units.filter((u) => u.type === 'community' || u.type === 'village');
  for (const c of communities) {
    const grids = new Set(d.units.filter((u) => u.parentCode === c.code).map((u) => u.code));
    const buildings = d.buildings.filter((b) => grids.has(b.gridCode));
    const kit = c.type === 'village' ? villageKit : urbanKit;
    kit.forEach((profile, i) => {
      const b = buildings[(i * 7) % Math.max(1, buildings.length)];
      if (!b) return;
      const n = out.length + 1;
      out.push({
        code: `DEMO-${String(n).padStart(3, '0')}`,
        // A name as the office would write it: its place and what it is, in Chinese, not the code.
        name: `${c.name['zh-CN']}${profileNames.get(profile) ?? profile}${i + 1}号`,
        profile,
        format: formats[n % 3]!,
        buildingCode: b.code,
        dLat: ((i % 3) - 1) * 0.00008,
        dLng: ((i % 2) - 0.5) * 0.00008,
      });
    });
  }
  return out;
}
