import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import type { DialectName } from './db/dialect.js';
import type { FieldCrypto } from './crypto.js';
import type { AuditLog } from './audit.js';
import type { Mailer } from './mail.js';

/** A clock that tests can move: session timeouts and lockouts are time rules. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Everything a service needs, built once at start-up and passed explicitly. */
export interface AppContext {
  config: Config;
  db: Db;
  dialect: DialectName;
  clock: Clock;
  crypto: FieldCrypto;
  audit: AuditLog;
  mail: Mailer;
  log: FastifyBaseLogger;
}

export const iso = (d: Date): string => d.toISOString();
