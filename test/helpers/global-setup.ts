import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/db/client.js';

/**
 * With TEST_DATABASE_URL set, migrate one template database for the whole run; every test file
 * then gets its own database cloned from it (fast, isolated, no leftovers from earlier runs).
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const templateName = `kith_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${templateName}`);
  const template = openPostgres(withDatabase(url, templateName), 2);
  await template.migrate();
  await template.close();
  project.provide('templateDatabase', templateName);

  return async () => {
    await admin.query(`drop database if exists ${templateName} with (force)`);
    await admin.end();
  };
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | undefined;
  }
}
