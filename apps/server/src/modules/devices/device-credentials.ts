import { createHash, randomBytes } from 'node:crypto';

/**
 * Device credentials. Only SHA-256 digests are stored; the secret is shown once. Tokens are long
 * random strings, so a plain hash (not a slow KDF) is enough and keeps per-message checks cheap.
 */
export const credentialHash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function newDeviceToken(): { token: string; hash: string; prefix: string } {
  const token = `cvd_${randomBytes(24).toString('base64url')}`;
  return { token, hash: credentialHash(token), prefix: token.slice(0, 10) };
}

/** FIWARE API keys travel inside topic names, so they use only letters and digits. */
export function newApiKey(): { apikey: string; hash: string; prefix: string } {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(28);
  const apikey = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return { apikey, hash: credentialHash(apikey), prefix: apikey.slice(0, 6) };
}
