import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idNumberCheckChar } from './id-number.js';
import { maskIdNumber, maskPhone } from '../../platform/privacy/masking.js';
import { presentResident } from './registry.presenter.js';
import type { ResidentListRow } from './residents.repository.js';

// ADR 0021: a mask is judged with everything shown beside it. The review found that the ID mask
// plus the birth date shown in clear left about ten candidates for the whole number.

const row = (idNumber: string, birthDate: string, phone: string | null = null): ResidentListRow => ({
  id: '0b6c2f1e-3f7a-4d2b-9a51-6f0e8f1c2d3a',
  org_unit_id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  building_id: null,
  household_id: null,
  name_mask: '王*明',
  phone_mask: phone ? maskPhone(phone) : null,
  id_number_mask: maskIdNumber(idNumber),
  birth_date: birthDate,
  gender: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
  elderly_living_alone: false,
  disability: false,
  child: false,
  needs_assistance: false,
  version: 1,
  created_at: new Date(0),
  updated_at: new Date(0),
  grid_code: 'G1',
  unit_path: '/D/S1/C1/G1/',
  building_name: null,
});

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const dateOk = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/**
 * How many valid ID numbers agree with what a masked view shows (the ID mask and the birth date
 * as shown): what someone holding only the screen would have to try. Both masks this test knows
 * (before and after ADR 0021) show the sequence digits and the check character.
 */
function candidates(shown: { idNumber: string | null; birthDate: string | null }): number {
  const mask = shown.idNumber!;
  const fits = (from: number, text: string) =>
    [...text].every((ch, i) => mask[from + i] === '*' || mask[from + i] === ch);
  const [year, month, day] = shown.birthDate!.split('-').map((p) => (/^\d+$/.test(p) ? Number(p) : null));
  let n = 0;
  for (let region = 0; region < 1000; region++) {
    if (!fits(3, pad(region, 3))) continue;
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= 31; d++) {
        if ((month !== null && month !== m) || (day !== null && day !== d) || !dateOk(year!, m, d)) continue;
        const middle = `${pad(year!, 4)}${pad(m, 2)}${pad(d, 2)}`;
        if (!fits(6, middle)) continue;
        if (idNumberCheckChar(mask.slice(0, 3) + pad(region, 3) + middle + mask.slice(14, 17)) === mask[17])
          n++;
      }
    }
  }
  return n;
}

describe('what a masked resident shows', () => {
  it('leaves thousands of candidates for the ID number, not a handful', () => {
    const id = '11010519800101123' + idNumberCheckChar('11010519800101123');
    const shown = presentResident(row(id, '1980-01-01'));
    expect(shown.idNumber).toBe(`110***********${id.slice(-4)}`);
    expect(shown.birthDate).toBe('1980-**-**');
    expect(candidates(shown)).toBeGreaterThan(10_000);
    // What the review found: the old mask with the date in clear left about ten.
    expect(candidates({ idNumber: `1101**********${id.slice(-4)}`, birthDate: '1980-01-01' })).toBeLessThan(
      20,
    );
  });

  it('never shows the birth date or the county of any valid ID number', () => {
    const valid = fc
      .tuple(
        fc.integer({ min: 110000, max: 659999 }),
        fc.date({
          min: new Date(Date.UTC(1900, 0, 1)),
          max: new Date(Date.UTC(2025, 11, 31)),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([region, date, seq]) => {
        const ymd = date.toISOString().slice(0, 10);
        const first17 = `${region}${ymd.replaceAll('-', '')}${pad(seq, 3)}`;
        return { id: first17 + idNumberCheckChar(first17), ymd };
      });
    fc.assert(
      fc.property(valid, ({ id, ymd }) => {
        const shown = presentResident(row(id, ymd));
        expect(shown.idNumber!.slice(3, 14)).toBe('*'.repeat(11));
        expect(shown.birthDate).toBe(`${ymd.slice(0, 4)}-**-**`);
      }),
    );
  });

  it('shows one phone mask for every spelling of one number', () => {
    for (const p of ['13712344833', '+86 137 1234 4833', '86-137-1234-4833']) {
      expect(presentResident(row('110105198001011230', '1980-01-01', p)).phone).toBe('137****4833');
    }
  });
});
