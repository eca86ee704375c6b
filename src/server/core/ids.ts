import { randomBytes, createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Record identifiers exposed in URLs: random, time-ordered UUID v7, never a sequence. */
export const newId = (): string => uuidv7();

/** A secret for a cookie or an e-mailed link: 256 random bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored only as their SHA-256, so a database leak does not yield live sessions. */
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');
