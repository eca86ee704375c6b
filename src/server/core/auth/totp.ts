import { generateSecret, generateURI, verify } from 'otplib';
import { randomBytes } from 'node:crypto';

/** RFC 6238 TOTP: 30-second steps, 6 digits, SHA-1 (what authenticator apps support). */
export const TOTP_ISSUER = 'Slussa';

export const newTotpSecret = (): string => generateSecret();

export const totpUri = (secret: string, label: string): string =>
  generateURI({ issuer: TOTP_ISSUER, label, secret });

/**
 * Accepts the current code and 30 s either side for clock drift; a code whose
 * time step was already used (`afterTimeStep`) is refused, so a seen code cannot be replayed.
 * Returns the accepted time step, or null.
 */
export async function verifyTotp(
  secret: string,
  token: string,
  now: Date,
  afterTimeStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const result = await verify({
      secret,
      token,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: 30,
      ...(afterTimeStep !== null ? { afterTimeStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** Ten single-use recovery codes, shown once, stored hashed. Format xxxx-xxxx-xxxx (base32). */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(12);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

export const normaliseRecoveryCode = (code: string): string =>
  code.trim().toLowerCase().replace(/\s+/g, '');
