/**
 * Profiles name units by UN/CEFACT common code (as NGSI-LD `unitCode` wants); people read symbols.
 * Codes from UN/ECE Recommendation 20, rev. 17.
 */
const symbols: Record<string, string> = {
  '2N': 'dB',
  GQ: 'µg/m³',
  GP: 'mg/m³',
  CEL: '°C',
  P1: '%',
  C62: '',
  MTR: 'm',
  KPA: 'kPa',
  KWH: 'kWh',
  KWT: 'kW',
  WTT: 'W',
  NTU: 'NTU',
  G42: 'µS/cm',
  M1: 'mg/L',
  Q30: '',
  '5K': '/min',
};

export function unitSymbol(code: string | null | undefined): string | null {
  if (!code) return null;
  return symbols[code] ?? code;
}
