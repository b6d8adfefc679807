import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { openDatabase } from './db/client.js';
import { drainAndClose } from './http/drain.js';

// Process entry: read config, open the database, migrate, listen, and close gracefully.
loadDotEnv();
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const database = openDatabase({ ...config.database, dataDir: config.dataDir });
await database.migrate();
const app = await buildApp(config, { database });

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an unexpected error');
  else app.log.info({ signal }, 'closing');
  // No new connections; every request on an open socket is answered (Connection: close) for up to
  // 5 s, then the mail worker stops and the database closes.
  await drainAndClose(app, 5_000);
  app.log.info('requests drained and mail worker stopped');
  await database.close();
  app.log.info('database closed');
});

await app.listen({ host: config.host, port: config.port });
app.log.info(`Kith is running at ${config.appUrl} (API reference at ${config.appUrl}/docs)`);
if (!config.isProduction && !['127.0.0.1', '::1', 'localhost'].includes(config.host)) {
  // The development mailbox shows every email, tokens included, to whoever can reach the server.
  app.log.warn(`listening on ${config.host} with development defaults; set NODE_ENV=production on a shared network`);
}
