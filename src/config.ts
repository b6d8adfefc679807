import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only reader of process.env. Everything the server needs to know about its surroundings is
 * parsed here once, checked, and handed on as a frozen, typed Config.
 */

const MIN_SECRET_BYTES = 32;

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  APP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: positiveInt(10),
  CONTACTS_CACHE_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(64)),
  JWT_SECRET: optionalString,
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30),
  VERIFY_TOKEN_TTL_HOURS: positiveInt(24),
  RESET_TOKEN_TTL_MINUTES: positiveInt(60),
  SMTP_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  MAIL_FROM: z.preprocess(emptyAsUndefined, z.string().default('Kith <no-reply@localhost>')),
  CLOUDINARY_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^cloudinary$/ }).optional()),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  CORS_ORIGINS: optionalString,
  TRUST_PROXY: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOGIN_MAX_PER_ACCOUNT: positiveInt(10),
  LOGIN_MAX_PER_CLIENT: positiveInt(30),
  EMAIL_MAX_PER_ADDRESS: positiveInt(5),
  EMAIL_MAX_PER_CLIENT: positiveInt(20),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(15 * 60),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  appUrl: string;
  dataDir: string;
  database: { url: string | undefined; poolSize: number };
  /** Memory for users' contacts kept between requests, per instance; 0 turns the cache off. */
  contactsCacheBytes: number;
  jwt: { secret: Uint8Array; accessTtlSeconds: number };
  tokens: { refreshTtlDays: number; verifyTtlHours: number; resetTtlMinutes: number };
  mail: { smtpUrl: string | undefined; from: string; dir: string };
  cloudinaryUrl: string | undefined;
  redisUrl: string | undefined;
  corsOrigins: string[];
  trustProxy: boolean | string;
  logLevel: string;
  rateLimits: {
    windowSeconds: number;
    loginPerAccount: number;
    loginPerClient: number;
    emailPerAddress: number;
    emailPerClient: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses an environment (process.env by default) into a Config. Throws ConfigError with a message
 * naming every offending variable, so a bad deployment stops at boot rather than at first use.
 */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';

  if (isProduction) {
    const missing = (['DATABASE_URL', 'JWT_SECRET', 'APP_URL'] as const).filter((name) => !e[name]);
    if (missing.length > 0) {
      throw new ConfigError(`NODE_ENV=production requires ${missing.join(', ')} to be set`);
    }
  }

  const dataDir = path.resolve(e.DATA_DIR);
  const jwtSecret = e.JWT_SECRET ? Buffer.from(e.JWT_SECRET, 'utf8') : developmentSecret(dataDir);
  if (jwtSecret.length < MIN_SECRET_BYTES) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long (it has ${jwtSecret.length})`);
  }

  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const corsOrigins = (e.CORS_ORIGINS ?? new URL(appUrl).origin)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);

  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    appUrl,
    dataDir,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    contactsCacheBytes: e.CONTACTS_CACHE_MB * 1024 * 1024,
    jwt: { secret: new Uint8Array(jwtSecret), accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS },
    tokens: {
      refreshTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      verifyTtlHours: e.VERIFY_TOKEN_TTL_HOURS,
      resetTtlMinutes: e.RESET_TOKEN_TTL_MINUTES,
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, dir: path.join(dataDir, 'mail') },
    cloudinaryUrl: e.CLOUDINARY_URL,
    redisUrl: e.REDIS_URL,
    corsOrigins,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    rateLimits: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      loginPerAccount: e.LOGIN_MAX_PER_ACCOUNT,
      loginPerClient: e.LOGIN_MAX_PER_CLIENT,
      emailPerAddress: e.EMAIL_MAX_PER_ADDRESS,
      emailPerClient: e.EMAIL_MAX_PER_CLIENT,
    },
  });
}

/** Reads `.env` from the working directory into process.env, if there is one. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

function parseTrustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value;
}

// Outside production a missing JWT_SECRET is generated once and kept beside the data, so sessions
// survive restarts of a development server without anyone having to invent a secret.
function developmentSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return Buffer.from(secret, 'utf8');
}
