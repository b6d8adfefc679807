/**
 * The bare baseline: Fastify and a pg pool of Kith's default size answering GET /contacts/:id with
 * the very SELECT Kith's repository sends (owner and id), and nothing else: no auth, no schemas,
 * no hooks, no logging. Kith's get-by-id is compared with this. The owner comes in a header because
 * there is no token to take it from.
 */
import Fastify from 'fastify';
import pg from 'pg';

const SELECT_CONTACT =
  'select "id", "user_id", "first_name", "last_name", "email", "phone", "phone_input", "birthday_year", ' +
  '"birthday_month", "birthday_day", "notes", "created_at", "updated_at" from "contacts" ' +
  'where ("contacts"."user_id" = $1 and "contacts"."id" = $2)';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
pool.on('error', () => undefined);

const app = Fastify({ logger: false });

app.get('/health', async () => ({ status: 'ok' }));

app.get<{ Params: { id: string } }>('/contacts/:id', async (request, reply) => {
  const { rows } = await pool.query(SELECT_CONTACT, [request.headers['x-owner-id'], request.params.id]);
  if (rows.length === 0) return reply.status(404).send({ status: 404 });
  return rows[0];
});

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
