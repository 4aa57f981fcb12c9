// The CLI's connections: Temporal (where `npm start` or DUBAN_TEMPORAL_ADDRESS says) and the database.
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DubanError } from '../domain/errors';
import { loadConfig, temporalAddress } from '../platform/config';
import { type Db, createDb } from '../store/db';

export async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: temporalAddress(config), connectTimeout: '5 seconds' });
  } catch (err) {
    throw new DubanError(
      'CONFIG',
      `cannot reach Temporal at ${temporalAddress(config)} (${(err as Error).message}). Is \`npm start\` running, or DUBAN_TEMPORAL_ADDRESS set?`,
    );
  }
  try {
    return await fn(new Client({ connection, namespace: config.namespace }));
  } finally {
    await connection.close();
  }
}

export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const file = config.databaseUrl.replace(/^file:/, '');
  if (config.databaseUrl.startsWith('file:') && !existsSync(file)) {
    throw new DubanError('CONFIG', `no duban database at ${file}: run \`npm start\` first (it creates it), or set DATABASE_URL / DUBAN_DATA_DIR`);
  }
  const db = createDb(config.databaseUrl);
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}
