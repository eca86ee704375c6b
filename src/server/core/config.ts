import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  /** Origin users reach the app at; used for links in e-mail and the CSRF origin check. */
  publicUrl: string;
  dataDir: string;
  /** PostgreSQL connection string; SQLite under dataDir when absent. */
  databaseUrl: string | undefined;
  /** SQLite file name inside dataDir (the demo uses its own). */
  sqliteFile: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  masterKey: string | undefined;
  /** Cookies get `Secure` and the `__Host-` prefix when the public URL is https. */
  secureCookies: boolean;
  trustProxy: boolean;
  env: 'production' | 'development' | 'test';
  logLevel: string;
  /** Session limits (OWASP ASVS): idle and absolute, in milliseconds. */
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  /** Sign-in throttling: failures allowed per window per account and per address. */
  signInMaxPerAccount: number;
  signInMaxPerAddress: number;
  signInWindowMs: number;
  bodyLimitBytes: number;
  /** Requests per minute per client address, for every route. */
  rateLimitPerMinute: number;
  /** Sign-in and second-factor attempts per minute per client address (each costs an Argon2id hash). */
  signInRateLimitPerMinute: number;
  /** How often the mail outbox is drained. */
  outboxIntervalMs: number;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Config> = {},
): Config {
  const port = Number(env.PORT ?? 3000);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const nodeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const cfg: Config = {
    port,
    host: env.HOST ?? '127.0.0.1',
    publicUrl,
    dataDir: path.resolve(env.SLUSSA_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    sqliteFile: env.SLUSSA_SQLITE_FILE ?? 'slussa.db',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Slussa <no-reply@slussa.local>',
    masterKey: env.SLUSSA_MASTER_KEY || undefined,
    secureCookies: publicUrl.startsWith('https://'),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    env: nodeEnv,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    sessionIdleMs: 15 * 60_000,
    sessionAbsoluteMs: 8 * 60 * 60_000,
    signInMaxPerAccount: 5,
    signInMaxPerAddress: 50,
    signInWindowMs: 15 * 60_000,
    bodyLimitBytes: 256 * 1024,
    rateLimitPerMinute: Number(env.SLUSSA_RATE_LIMIT ?? 1200),
    signInRateLimitPerMinute: Number(env.SLUSSA_SIGN_IN_RATE_LIMIT ?? 30),
    outboxIntervalMs: 5_000,
  };
  return { ...cfg, ...overrides };
}
