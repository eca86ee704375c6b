import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldError } from '../errors.js';

/** Argon2id (the library's default algorithm) with OWASP's minimum: 19 MiB, 2 iterations, 1 lane. */
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so the answer takes as long either way.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('slussa-timing-equaliser-not-a-password');
  return dummyHash;
}

/** The common-password list of zxcvbn-ts (the most used passwords from public breaches). */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * NIST 800-63B / ASVS rules: length only, no composition rules, and no
 * password that appears on a list of commonly used ones.
 */
export function passwordProblems(password: string, email?: string): FieldError[] {
  const path = 'password';
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return [{ path, code: 'password_too_short', params: { minimum: MIN_PASSWORD_LENGTH } }];
  }
  const lower = password.toLowerCase();
  if (
    COMMON.has(lower) ||
    COMMON.has(lower.replace(/[\d\W_]+$/u, '')) ||
    new Set(lower).size <= 2
  ) {
    return [{ path, code: 'password_common' }];
  }
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local))
    return [{ path, code: 'password_contains_email' }];
  return [];
}
