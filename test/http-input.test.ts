/**
 * Bad bytes and slow clients at the HTTP layer: a JSON body that isn't UTF-8 is refused rather
 * than stored with replacement characters, a body built to fail validation everywhere gets a short
 * answer, and a request that trickles in is cut off close to the request timeout.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './helpers/app.js';
import { type ContactsClient, signedInClient } from './helpers/contacts.js';

let t: TestApp;
let me: ContactsClient;
beforeAll(async () => {
  t = await createTestApp({ deps: { requestTimeoutMs: 1_500 } });
  me = await signedInClient(t);
});
afterAll(async () => {
  await t.close();
});

const post = (payload: Buffer | string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/contacts',
    headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' },
    payload,
  });

describe('JSON bodies must be UTF-8', () => {
  it('refuses bytes that are not UTF-8 with a 400 that says so, and stores nothing', async () => {
    const body = Buffer.concat([Buffer.from('{"firstName":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]);
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BAD_REQUEST', detail: expect.stringMatching(/not valid UTF-8/) });
    expect((await me.list()).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('takes UTF-8 of every plane, with or without a byte-order mark, and still refuses broken JSON and __proto__', async () => {
    const name = 'Zoë 田中 🧬';
    const plain = await post(Buffer.from(JSON.stringify({ firstName: name })));
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json<{ firstName: string }>().firstName).toBe(name);
    const bom = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ firstName: 'Bom' }))]));
    expect(bom.statusCode, bom.body).toBe(201);
    expect((await post('{"firstName":')).statusCode).toBe(400);
    expect((await post('{"firstName":"x","__proto__":{"admin":true}}')).statusCode).toBe(400);
  });
});

describe('error bodies are capped', () => {
  it('a body with 45,000 unknown fields (just under the 1 MiB limit) gets a 400 of a few kilobytes, listing at most 20 problems', async () => {
    const huge = JSON.stringify(Object.fromEntries(Array.from({ length: 45_000 }, (_, i) => [`field${i}`, i])));
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' },
      payload: huge,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(8 * 1024);
    const problem = response.json<{ errors: Array<{ path: string; message: string }> }>();
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors.length).toBeLessThanOrEqual(20);
    for (const error of problem.errors) expect(error.message.length).toBeLessThanOrEqual(300);
  });

  it('many invalid entries: the first 20 listed and how many more', async () => {
    const response = await post(JSON.stringify({ firstName: 'Many', emails: Array.from({ length: 10 }, () => ({ value: 'nope', label: 1 })), phones: Array.from({ length: 10 }, () => ({ value: 'x', label: 2 })) }));
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ detail: string; errors: unknown[] }>();
    expect(problem.errors).toHaveLength(20);
    expect(problem.detail).toMatch(/the first 20 are listed; \d+ more/);
  });
});

describe('the request timeout', () => {
  const trickle = async (start: string, drip: string) => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`);
    const { port } = new URL(address);
    const started = Date.now();
    return new Promise<{ ms: number; answer: string }>((resolve, reject) => {
      let answer = '';
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(start);
        // One piece every 300 ms: never idle long enough for the idle timeout, never complete.
        const timer = setInterval(() => socket.write(drip), 300);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ ms: Date.now() - started, answer });
        });
      });
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      setTimeout(() => reject(new Error('still open after 10 s')), 10_000).unref();
    });
  };

  it('cuts a request whose headers trickle in within about a second of the limit (1.5 s here), not at the next 30 s sweep', async () => {
    const { ms, answer } = await trickle('POST /api/contacts HTTP/1.1\r\nHost: kith.test\r\n', 'X-Slow: yes\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeGreaterThanOrEqual(1_400);
    expect(ms).toBeLessThan(4_000);
  }, 15_000);

  it('cuts a request whose body trickles in (which Node stops watching once the headers are in), with a 408', async () => {
    const { ms, answer } = await trickle(
      `POST /api/contacts HTTP/1.1\r\nHost: kith.test\r\nAuthorization: Bearer ${me.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      ' ',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toMatch(/REQUEST_TIMEOUT/);
    expect(ms).toBeGreaterThanOrEqual(1_400);
    expect(ms).toBeLessThan(4_000);
  }, 15_000);
});
