import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'kith-config-'));

describe('loadConfig', () => {
  it('runs on embedded defaults and keeps a generated JWT secret in the data directory', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', appUrl: 'http://localhost:3000', isProduction: false });
    expect(config.database.url).toBeUndefined();
    expect(config.mail).toMatchObject({ smtpUrl: undefined, from: 'Kith <no-reply@localhost>', dir: path.join(dir, 'mail') });
    const secret = readFileSync(path.join(dir, 'jwt-secret'), 'utf8');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).jwt.secret).toEqual(config.jwt.secret);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses to start in production without DATABASE_URL, JWT_SECRET and APP_URL, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      /DATABASE_URL, JWT_SECRET, APP_URL/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), APP_URL: 'https://kith.example.com' }),
    ).toThrow(/DATABASE_URL/);
  });

  it('refuses a JWT secret shorter than 32 bytes', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'too-short' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir(), JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET/);
  });

  it('names the variable that has a bad value', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
  });

  it('takes the CORS allowlist from CORS_ORIGINS, else the app origin', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), APP_URL: 'https://kith.example.com/' }).corsOrigins).toEqual([
      'https://kith.example.com',
    ]);
    expect(loadConfig({ DATA_DIR: dataDir(), CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });
});
