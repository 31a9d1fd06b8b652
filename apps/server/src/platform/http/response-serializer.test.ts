import { residentMasked } from '@civitas/contracts/registry';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compiledResponseSerializer } from './response-serializer.js';

const page = z.object({ items: z.array(residentMasked), total: z.number(), totalExact: z.boolean() });
const resident = {
  id: '0b6c2f1e-3f7a-4d2b-9a51-6f0e8f1c2d3a',
  name: '王*明',
  phone: null,
  idNumber: '4403**********123X',
  birthDate: '1980-01-01',
  gender: 'male',
  flags: { elderlyLivingAlone: true, disability: false, child: false, needsAssistance: false },
  householdId: null,
  buildingId: '5d1c9a0b-7e2f-4c3d-8b4a-1f2e3d4c5b6a',
  buildingName: '一号楼 "东"\\',
  gridId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  gridCode: 'G1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  version: 3,
};

describe('compiledResponseSerializer', () => {
  it('writes the same JSON as the zod serializer', () => {
    const body = {
      items: [resident, { ...resident, phone: '138****8000', householdId: resident.gridId }],
      total: 2,
      totalExact: true,
    };
    const out = compiledResponseSerializer({ schema: page })(body);
    expect(JSON.parse(out)).toEqual(page.parse(body));
    expect(out).toBe(JSON.stringify(page.parse(body)));
  });

  it('drops properties the schema does not declare', () => {
    const out = compiledResponseSerializer({ schema: residentMasked })({
      ...resident,
      name_enc: 'ciphertext',
      phone_hash: 'hmac',
    });
    expect(out).not.toContain('ciphertext');
    expect(out).not.toContain('hmac');
    expect(JSON.parse(out)).toEqual(resident);
  });

  it('refuses a response missing a required field', () => {
    const { gridId: _gridId, ...partial } = resident;
    expect(() => compiledResponseSerializer({ schema: residentMasked })(partial)).toThrow();
  });
});
