import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { loggedPath } from './access-log.js';

// Kith's own log lines, as pino writes them at the default level.
const lines: Array<Record<string, unknown>> = [];
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    deps: { logger: { level: 'info', stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } } },
  });
});
afterAll(() => t.close());

describe('access log', () => {
  it('writes one line per answered request: method, path, status, time, client', async () => {
    lines.length = 0;
    await t.app.inject({ method: 'GET', url: '/api/health' });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'not the password' } });
    await t.app.inject({ method: 'GET', url: '/api/nowhere' });

    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: 'GET', path: '/api/health', status: 200 },
      { method: 'POST', path: '/api/auth/login', status: 401 },
      { method: 'GET', path: '/api/nowhere', status: 404 },
    ]);
    for (const line of requests) {
      expect(line).toMatchObject({ level: 30, ip: '127.0.0.1', reqId: expect.any(String) });
      expect(line.ms).toEqual(expect.any(Number));
    }
    expect(lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toEqual([]);
  });

  it('never writes a query string, a feed token or a credential', async () => {
    lines.length = 0;
    const secrets = ['reset-token-0123456789', 'verify-token-0123456789', 'feed-token-0123456789', 'bearer-0123456789', 'my search words'];
    await t.app.inject({ method: 'GET', url: `/reset-password?token=${secrets[0]}` });
    await t.app.inject({ method: 'POST', url: '/api/auth/verify-email', payload: { token: secrets[1] } });
    await t.app.inject({ method: 'GET', url: `/cal/${secrets[2]}.ics` });
    await t.app.inject({ method: 'GET', url: `/api/contacts?q=${encodeURIComponent(secrets[4]!)}`, headers: { authorization: `Bearer ${secrets[3]}` } });

    const written = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of secrets) expect(written).not.toContain(encodeURIComponent(secret));
    for (const secret of secrets) expect(written).not.toContain(secret);
    expect(lines.filter((line) => line.msg === 'request').map((line) => line.path)).toEqual([
      '/reset-password',
      '/api/auth/verify-email',
      '/cal/<token>.ics',
      '/api/contacts',
    ]);
  });

  it('keeps the path of anything else as it came', () => {
    expect(loggedPath('/api/contacts/3f1c')).toBe('/api/contacts/3f1c');
    expect(loggedPath('/dav/addressbooks/a/b.vcf?x=1')).toBe('/dav/addressbooks/a/b.vcf');
    expect(loggedPath('/calendar?token=x')).toBe('/calendar');
    expect(loggedPath('/')).toBe('/');
  });
});
