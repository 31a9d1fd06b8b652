import { aqiCategory, type AqiCategory } from '@civitas/contracts/air-quality';

/** Offline devices and cells without a live value. */
export const OFFLINE_COLOUR = '#9e9e9e';
/** Online devices whose profile has no scale (gates, streetlights…). */
export const NEUTRAL_COLOUR = '#1d4f91';

/**
 * AQI category colours of HJ 633-2012 Table 2 (RGB given by the standard): 优 green (0,228,0),
 * 良 yellow (255,255,0), 轻度污染 orange (255,126,0), 中度污染 red (255,0,0),
 * 重度污染 purple (153,0,76), 严重污染 maroon (126,0,35).
 */
export const aqiColours: Record<AqiCategory, string> = {
  excellent: '#00e400',
  good: '#ffff00',
  lightlyPolluted: '#ff7e00',
  moderatelyPolluted: '#ff0000',
  heavilyPolluted: '#99004c',
  severelyPolluted: '#7e0023',
};

/** A stepped scale: the first step whose upper bound exceeds the value gives the level. */
interface Scale {
  bounds: number[];
  colours: string[];
  /** i18n keys of the levels, in order. */
  levels: string[];
}

const greenToRed = ['#1a9850', '#fee08b', '#fc8d59', '#d73027'];

const scales: Record<string, Scale> = {
  // Share of the bin that is full (0–1): empty it before it overflows.
  fillingLevel: {
    bounds: [0.5, 0.8, 0.95],
    colours: greenToRed,
    levels: ['map.level.low', 'map.level.filling', 'map.level.nearlyFull', 'map.level.full'],
  },
  // GB 3096-2008 daytime limits: class 1 (residential) 55 dB(A), class 2 (mixed) 60, class 4a
  // (beside main roads) 70.
  LAeq: {
    bounds: [55, 60, 70],
    colours: greenToRed,
    levels: ['map.level.quiet', 'map.level.moderate', 'map.level.loud', 'map.level.veryLoud'],
  },
  // Water level in metres above the gauge's datum; a sequential blue scale, darker is higher.
  waterLevel: {
    bounds: [1, 2, 3],
    colours: ['#c6dbef', '#6baed6', '#2171b5', '#08306b'],
    levels: ['map.level.low', 'map.level.normal', 'map.level.high', 'map.level.veryHigh'],
  },
};

export interface Reading {
  colour: string;
  /** i18n key of the level, for the text alternative and the legend. */
  levelKey: string | null;
}

export function colourFor(metric: string | null, value: number | null, online: boolean): Reading {
  if (!online) return { colour: OFFLINE_COLOUR, levelKey: 'map.level.offline' };
  if (metric === null || value === null) return { colour: NEUTRAL_COLOUR, levelKey: null };
  if (metric === 'aqi') {
    const category = aqiCategory(value);
    return { colour: aqiColours[category], levelKey: `map.aqi.${category}` };
  }
  const scale = scales[metric];
  if (!scale) return { colour: NEUTRAL_COLOUR, levelKey: null };
  let i = scale.bounds.findIndex((b) => value < b);
  if (i < 0) i = scale.bounds.length;
  return { colour: scale.colours[i] ?? NEUTRAL_COLOUR, levelKey: scale.levels[i] ?? null };
}

export function legendFor(metric: string): { colour: string; levelKey: string }[] {
  if (metric === 'aqi')
    return Object.entries(aqiColours).map(([c, colour]) => ({ colour, levelKey: `map.aqi.${c}` }));
  const scale = scales[metric];
  return scale ? scale.levels.map((levelKey, i) => ({ colour: scale.colours[i]!, levelKey })) : [];
}

export const scaledMetrics = ['aqi', ...Object.keys(scales)];
