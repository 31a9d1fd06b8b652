import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

/** Whatever arrives, the answer is a 4xx problem or a success: never a 500, never a crash. */
let t: TestApp;
let ca1: Client;
beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
});

const upload = (csv: string) => ca1.upload('/api/v1/residents/import', csv);

describe('fuzzing the edges', () => {
  it('resident creation survives arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const res = await ca1.post('/api/v1/residents', body);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('CSV import survives arbitrary text, quotes and separators', async () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('"', '""', ',', '\n', '\r\n', '\uFEFF', '是', 'G1', '13800138000'),
    );
    const csv = fc
      .array(fc.array(cell, { maxLength: 14 }), { maxLength: 8 })
      .map((rows) => ['name,phone,id_number,grid_code', ...rows.map((r) => r.join(','))].join('\n'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(csv, fc.string()), async (text) => {
        const res = await upload(text);
        expect([202, 400]).toContain(res.statusCode);
      }),
      { numRuns: 60 },
    );
  });

  it('login survives arbitrary bodies and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (payload, type) => {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            headers: { 'content-type': type },
            payload,
          });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 25 },
    );
  });
});
