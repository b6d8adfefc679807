/**
 * The bare baselines, served by Fastify with no auth, no schemas, no hooks and no logging:
 * - GET /contacts/:id answers with the SELECT by owner and id that Kith's repository used to send,
 *   from a pg pool of Kith's default size. Kith's get-by-id is compared with this. The owner comes
 *   in a header because there is no token to take it from.
 * - POST /login only checks a password with argon2id (Kith's parameters, @node-rs/argon2 on the
 *   libuv pool): what logging in can reach through HTTP on these cores when the load generator and
 *   PostgreSQL share them, next to the ceiling of argon2id on its own.
 */
import { hash, verify } from '@node-rs/argon2';
import Fastify from 'fastify';
import pg from 'pg';
import { ARGON2_OPTIONS } from '../src/modules/auth/passwords.js';

const SELECT_CONTACT =
  'select "id", "user_id", "first_name", "last_name", "emails", "phones", "addresses", "websites", ' +
  '"organization", "job_title", "photo_key", "photo_url", "birthday_year", "birthday_month", "birthday_day", ' +
  '"notes", "created_at", "updated_at", "deleted_at" from "contacts" ' +
  'where ("contacts"."user_id" = $1 and "contacts"."id" = $2 and "contacts"."deleted_at" is null)';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
pool.on('error', () => undefined);

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.get<{ Params: { id: string } }>('/contacts/:id', async (request, reply) => {
  const { rows } = await pool.query(SELECT_CONTACT, [request.headers['x-owner-id'], request.params.id]);
  if (rows.length === 0) return reply.status(404).send({ status: 404 });
  return rows[0];
});

const passwordHash = await hash(process.env.BENCH_PASSWORD ?? '', ARGON2_OPTIONS);
app.post<{ Body: { password?: string } }>('/login', async (request, reply) => {
  const ok = await verify(passwordHash, request.body.password ?? '');
  return ok ? { ok } : reply.status(401).send({ status: 401 });
});

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
