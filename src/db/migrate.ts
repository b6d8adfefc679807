import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { openDatabase } from './client.js';

// `npm run db:migrate`: apply pending migrations to the configured database and exit. The server
// also migrates on start; this is for deployments that prefer a separate release step.
loadDotEnv();
try {
  const config = loadConfig();
  const database = openDatabase({ ...config.database, dataDir: config.dataDir });
  await database.migrate();
  await database.close();
  console.log(`Migrations applied (${database.kind}).`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
