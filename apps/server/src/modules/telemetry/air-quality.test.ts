import { describe, expect, it } from 'vitest';
import { aqiCategory, aqiOf, iaqiPm10, iaqiPm25, primaryValue } from '@civitas/contracts/air-quality';

describe('HJ 633-2012 IAQI', () => {
  it('hits the breakpoints of Table 1 exactly', () => {
    expect([0, 35, 75, 115, 150, 250, 350, 500].map(iaqiPm25)).toEqual([0, 50, 100, 150, 200, 300, 400, 500]);
    expect([0, 50, 150, 250, 350, 420, 500, 600].map(iaqiPm10)).toEqual([
      0, 50, 100, 150, 200, 300, 400, 500,
    ]);
  });

  it('interpolates linearly and rounds up', () => {
    // (100 − 50) / (75 − 35) × (50 − 35) + 50 = 68.75 → 69
    expect(iaqiPm25(50)).toBe(69);
    expect(iaqiPm10(100)).toBe(75);
    expect(iaqiPm25(80)).toBe(107);
  });

  it('caps above the table and refuses negative or missing input', () => {
    expect(iaqiPm25(900)).toBe(500);
    expect(iaqiPm25(-1)).toBeNull();
    expect(aqiOf(null, undefined)).toBeNull();
  });

  it('takes the worse pollutant and names the category of Table 2', () => {
    expect(aqiOf(20, 300)).toBe(175);
    expect(aqiCategory(aqiOf(20, 300)!)).toBe('moderatelyPolluted');
    expect([0, 51, 101, 151, 201, 301].map(aqiCategory)).toEqual([
      'excellent',
      'good',
      'lightlyPolluted',
      'moderatelyPolluted',
      'heavilyPolluted',
      'severelyPolluted',
    ]);
  });

  it("gives each profile's primary value", () => {
    expect(primaryValue('air-quality', { pm25: 80 })).toBe(107);
    expect(primaryValue('noise', { LAeq: 61 })).toBe(61);
    expect(primaryValue('streetlight', { powerState: null })).toBeNull();
  });
});
