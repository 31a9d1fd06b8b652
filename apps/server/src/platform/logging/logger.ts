import pino, { type Logger } from 'pino';

/**
 * Paths pino blanks before a line is written. Personal fields are listed by name wherever they
 * may appear, so a careless `log.info({ resident })` still leaks nothing.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'totp',
  '*.totp',
  'name',
  '*.name',
  'phone',
  '*.phone',
  'idNumber',
  '*.idNumber',
  'id_number',
  '*.id_number',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'civitas' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
export type { Logger };
