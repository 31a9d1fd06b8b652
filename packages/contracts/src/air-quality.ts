/**
 * Air quality index after China's HJ 633-2012 "Technical Regulation on Ambient Air Quality Index
 * (on trial)", Ministry of Environmental Protection, 2012. Shared so the server (map aggregation)
 * and the web app (live marker colours) compute the same number.
 *
 * Table 1 of the standard, 24-hour mean concentrations in µg/m³:
 *
 * | IAQI  | 0 | 50 | 100 | 150 | 200 | 300 | 400 | 500 |
 * | PM2.5 | 0 | 35 |  75 | 115 | 150 | 250 | 350 | 500 |
 * | PM10  | 0 | 50 | 150 | 250 | 350 | 420 | 500 | 600 |
 *
 * Formula (5.2): IAQI_P = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C_P − BP_Lo) + IAQI_Lo, rounded up
 * to an integer; AQI = max(IAQI_P) over the pollutants (5.3). PM2.5 and PM10 have no 1-hour
 * breakpoints, so live displays (as China's national real-time publishing platform does) apply the
 * 24-hour table to the latest concentration. Above the last breakpoint the standard stops
 * computing; we report 500, the top of the scale.
 */
const IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500] as const;
const PM25_BREAKPOINTS = [0, 35, 75, 115, 150, 250, 350, 500] as const;
const PM10_BREAKPOINTS = [0, 50, 150, 250, 350, 420, 500, 600] as const;

function iaqi(concentration: number, breakpoints: readonly number[]): number | null {
  if (!Number.isFinite(concentration) || concentration < 0) return null;
  for (let i = 1; i < breakpoints.length; i++) {
    const hi = breakpoints[i]!;
    if (concentration <= hi) {
      const lo = breakpoints[i - 1]!;
      const iHi = IAQI_STEPS[i]!;
      const iLo = IAQI_STEPS[i - 1]!;
      return Math.ceil(((iHi - iLo) / (hi - lo)) * (concentration - lo) + iLo);
    }
  }
  return 500;
}

export const iaqiPm25 = (c: number) => iaqi(c, PM25_BREAKPOINTS);
export const iaqiPm10 = (c: number) => iaqi(c, PM10_BREAKPOINTS);

/** AQI from whichever of PM2.5 and PM10 is known; null when neither is. */
export function aqiOf(pm25: number | null | undefined, pm10: number | null | undefined): number | null {
  const parts = [
    pm25 === null || pm25 === undefined ? null : iaqiPm25(pm25),
    pm10 === null || pm10 === undefined ? null : iaqiPm10(pm10),
  ].filter((v): v is number => v !== null);
  return parts.length === 0 ? null : Math.max(...parts);
}

/** The six AQI categories of Table 2 (优, 良, 轻度污染, 中度污染, 重度污染, 严重污染). */
export const aqiCategories = [
  'excellent',
  'good',
  'lightlyPolluted',
  'moderatelyPolluted',
  'heavilyPolluted',
  'severelyPolluted',
] as const;
export type AqiCategory = (typeof aqiCategories)[number];

export function aqiCategory(aqi: number): AqiCategory {
  if (aqi <= 50) return 'excellent';
  if (aqi <= 100) return 'good';
  if (aqi <= 150) return 'lightlyPolluted';
  if (aqi <= 200) return 'moderatelyPolluted';
  if (aqi <= 300) return 'heavilyPolluted';
  return 'severelyPolluted';
}

/**
 * The one number a map shows for a device of each profile. Air quality shows the AQI derived
 * from pm25/pm10; profiles not listed show no value, only whether they are online.
 */
export const primaryMetricOf: Readonly<Record<string, string>> = {
  'air-quality': 'aqi',
  noise: 'LAeq',
  'waste-bin': 'fillingLevel',
  'water-level': 'waterLevel',
  'water-quality': 'turbidity',
  'pipe-pressure': 'pressure',
  'electricity-meter': 'power',
  'smoke-detector': 'smokeDensity',
  'sos-wearable': 'heartRate',
  'camera-analytics': 'peopleCount',
};

/** The stored metrics a map needs to compute every primary value. */
export const mapSourceMetrics: readonly string[] = [
  'pm25',
  'pm10',
  ...Object.values(primaryMetricOf).filter((m) => m !== 'aqi'),
];

/** The primary value of one device from its latest readings (by metric key). */
export function primaryValue(
  profileCode: string,
  latest: Readonly<Record<string, number | null | undefined>>,
): number | null {
  const metric = primaryMetricOf[profileCode];
  if (!metric) return null;
  if (metric === 'aqi') return aqiOf(latest.pm25, latest.pm10);
  const v = latest[metric];
  return typeof v === 'number' ? v : null;
}
