import type { Executor } from './client.js';

/**
 * A query built once per executor and run as a prepared statement (on node-postgres a named one,
 * parsed and planned once per connection). For the queries on hot paths, where building them with
 * Drizzle on every call showed up in CPU profiles of `npm run bench`.
 *
 * Keyed weakly: a transaction gets its own statement (a prepared query is tied to the session it
 * was built on), and both go when the executor does.
 */
export function preparedPerExecutor<Query>(build: (executor: Executor) => Query): (executor: Executor) => Query {
  const built = new WeakMap<Executor, Query>();
  return (executor) => {
    let query = built.get(executor);
    if (!query) {
      query = build(executor);
      built.set(executor, query);
    }
    return query;
  };
}
