/**
 * A fix for drizzle-orm's node-postgres transactions (0.45): `transaction()` checks a client out
 * of the pool and sends BEGIN before its try/finally, so when BEGIN fails (the server ended the
 * connection: a restart, a failover, pg_terminate_backend) the client is never released. Each
 * such failure then leaks one pool slot for good, until every request waits for a connection and
 * `pool.end()` never returns. Here the pool's part (check out, release) is done around drizzle's
 * own transaction code run on that one client, and a client whose connection failed is released
 * with the error, so the pool discards it instead of handing it out again.
 */
import { NodePgSession } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.js';

type Session = object;
type Transaction = (this: Session, work: unknown, config?: unknown) => Promise<unknown>;

interface SessionInternals {
  client: pg.Pool | pg.PoolClient;
  dialect: unknown;
  schema: unknown;
  options: unknown;
}

let installed = false;

export function releaseClientsOnFailedBegin(): void {
  if (installed) return;
  installed = true;
  const prototype = NodePgSession.prototype as unknown as { transaction: Transaction };
  const original = prototype.transaction;
  prototype.transaction = async function transaction(this: Session, work: unknown, config?: unknown) {
    const self = this as unknown as SessionInternals;
    // A session on one client (a transaction's, or a migration's) releases nothing: drizzle's code as it is.
    if (!('totalCount' in self.client)) return original.call(this, work, config);
    const client = await self.client.connect();
    const OneClientSession = NodePgSession as unknown as new (client: pg.PoolClient, dialect: unknown, schema: unknown, options: unknown) => Session;
    let failure: unknown;
    try {
      return await original.call(new OneClientSession(client, self.dialect, self.schema, self.options), work, config);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      client.release(isDatabaseUnavailable(failure) ? (failure as Error) : undefined);
    }
  };
}
