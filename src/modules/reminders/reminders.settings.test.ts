import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/helpers/app.js';
import { FixedClock, ManualTicker, type ReminderUser, reminderApp, reminderUser } from '../../../test/helpers/reminders.js';

describe('GET / PUT /api/users/me/reminders', () => {
  const clock = new FixedClock('2027-05-04T12:00:00Z');
  let t: TestApp;
  let me: ReminderUser;
  beforeAll(async () => {
    t = await reminderApp(clock, new ManualTicker());
    me = await reminderUser(t, 'Europe/Kyiv');
  });
  afterAll(() => t.close());

  it('starts off, with the defaults of the contract', async () => {
    const response = await me.get();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ enabled: false, daysBefore: [0], hour: 9 });
  });

  it('keeps what was PUT, days in ascending order, and shows it to nobody else', async () => {
    const put = await me.put({ enabled: true, daysBefore: [7, 0, 30], hour: 23 });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ enabled: true, daysBefore: [0, 7, 30], hour: 23 });
    expect((await me.get()).json()).toEqual({ enabled: true, daysBefore: [0, 7, 30], hour: 23 });

    const other = await reminderUser(t, 'UTC');
    expect((await other.get()).json()).toEqual({ enabled: false, daysBefore: [0], hour: 9 });

    const off = await me.put({ enabled: false, daysBefore: [1], hour: 0 });
    expect(off.json()).toEqual({ enabled: false, daysBefore: [1], hour: 0 });
    expect((await me.get()).json()).toEqual({ enabled: false, daysBefore: [1], hour: 0 });
  });

  it.each([
    [{ daysBefore: [0], hour: 9 }, 'enabled'],
    [{ enabled: 'yes', daysBefore: [0], hour: 9 }, 'enabled'],
    [{ enabled: true, hour: 9 }, 'daysBefore'],
    [{ enabled: true, daysBefore: [], hour: 9 }, 'daysBefore'],
    [{ enabled: true, daysBefore: [0, 1, 2, 3], hour: 9 }, 'daysBefore'],
    [{ enabled: true, daysBefore: [7, 7], hour: 9 }, 'daysBefore'],
    [{ enabled: true, daysBefore: [0, 31], hour: 9 }, 'daysBefore.1'],
    [{ enabled: true, daysBefore: [-1], hour: 9 }, 'daysBefore.0'],
    [{ enabled: true, daysBefore: [1.5], hour: 9 }, 'daysBefore.0'],
    [{ enabled: true, daysBefore: ['7'], hour: 9 }, 'daysBefore.0'],
    [{ enabled: true, daysBefore: 7, hour: 9 }, 'daysBefore'],
    [{ enabled: true, daysBefore: [0] }, 'hour'],
    [{ enabled: true, daysBefore: [0], hour: 24 }, 'hour'],
    [{ enabled: true, daysBefore: [0], hour: -1 }, 'hour'],
    [{ enabled: true, daysBefore: [0], hour: 8.5 }, 'hour'],
    [{ enabled: true, daysBefore: [0], hour: 9, userId: '00000000-0000-4000-8000-000000000000' }, ''],
  ])('refuses %j with 400 VALIDATION_FAILED at %s, changing nothing', async (body, path) => {
    const before = (await me.get()).json();
    const response = await me.put(body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json<{ code: string; errors: Array<{ path: string }> }>();
    expect(problem.code).toBe('VALIDATION_FAILED');
    if (path) expect(problem.errors.map((e) => e.path)).toContain(path);
    expect((await me.get()).json()).toEqual(before);
  });

  it('refuses a body that is not JSON, and anyone not signed in', async () => {
    const text = await t.app.inject({
      method: 'PUT',
      url: '/api/users/me/reminders',
      headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' },
      payload: '{"enabled": tru',
    });
    expect(text.statusCode).toBe(400);
    for (const method of ['GET', 'PUT'] as const) {
      const response = await t.app.inject({ method, url: '/api/users/me/reminders', payload: method === 'PUT' ? { enabled: false, daysBefore: [0], hour: 9 } : undefined });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('UNAUTHORIZED');
    }
  });

  it('is in the OpenAPI document, with its schemas and bearer auth', async () => {
    const doc = (await t.app.inject('/openapi.json')).json();
    const path = doc.paths['/api/users/me/reminders'];
    expect(path.get.security).toEqual([{ bearerAuth: [] }]);
    expect(path.put.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(path.put.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(doc.components.schemas.ReminderSettings.properties).toHaveProperty('daysBefore');
    const unsubscribe = doc.paths['/api/reminders/unsubscribe'];
    expect(unsubscribe.post.security).toBeUndefined();
    expect(Object.keys(unsubscribe.post.responses)).toEqual(expect.arrayContaining(['204', '400']));
  });
});
