import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

const capture = () => {
  const lines: string[] = [];
  return { lines, log: createLogger('trace', { write: (s: string) => void lines.push(s) }) };
};

describe('createLogger redaction', () => {
  it('blanks credential headers and secret fields wherever a caller or a library logs them', () => {
    const { lines, log } = capture();
    const headers = {
      authorization: 'Bearer cvt_secretsecretsecretsecret',
      'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
      cookie: 'civitas_session=s3ss10n-c00k1e-value',
      'set-cookie': 'civitas_session=s3ss10n-c00k1e-value',
      'x-csrf-token': 'csrf-value-0000',
      'x-api-key': 'apikey-value-0000',
      'user-agent': 'probe/1.0',
    };
    log.info({ req: { headers } }, 'a library logging its request');
    log.info({ headers }, 'a careless caller');
    log.info({ body: { username: 'ca1', password: 'hunter2-hunter2' }, sessionToken: 'sess-tok-0000' });
    log.info({
      user: { csrfToken: 'csrf-value-0001', passwordHash: '$argon2id$v=19$abc', apiKey: 'key-0001' },
    });
    const out = lines.join('');
    for (const secret of [
      'cvt_secret',
      'cHJveHk6c2VjcmV0',
      's3ss10n-c00k1e-value',
      'csrf-value-000',
      'apikey-value-0000',
      'hunter2-hunter2',
      'sess-tok-0000',
      '$argon2id',
      'key-0001',
    ])
      expect(out).not.toContain(secret);
    // What is not secret stays readable.
    expect(out).toContain('probe/1.0');
    expect(out).toContain('"username":"ca1"');
  });
});

describe('createLogger formats', () => {
  const token = 'cvd_Q2hhbmdlTWUtdGhpcy1pcy1hLXRva2Vu';
  const write = (format: 'auto' | 'json' | 'pretty') => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (s: string) => void lines.push(s) }, format);
    log.info({ password: 'hunter2-hunter2', device: 'AQ-1' }, `reading from ${token}`);
    return lines;
  };

  it('writes JSON, also under auto when the destination is not a terminal', () => {
    for (const format of ['json', 'auto'] as const) {
      const [line] = write(format);
      expect(JSON.parse(line!)).toMatchObject({
        level: 30,
        msg: 'reading from cvd_[redacted]',
        device: 'AQ-1',
      });
    }
  });

  it('writes readable lines under pretty, redacted and scrubbed like the JSON ones', () => {
    const lines = write('pretty');
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: reading from cvd_\[redacted\]\n/);
    expect(line).toContain('device: "AQ-1"');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain(token);
  });
});
