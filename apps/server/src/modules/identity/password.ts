import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 25 ms per
 * hash on one core of the reference machine, see docs/benchmarks.md (login).
 */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolatedModules cannot import).
export const argon2Params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, argon2Params);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verified against when the user does not exist, so both paths cost one argon2 run.
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('civitas-timing-equalizer');
  await verifyPassword(await dummy, password);
}
