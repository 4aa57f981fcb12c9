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
      `无法连接 Temporal（${temporalAddress(config)}）：${(err as Error).message}。请确认 \`npm start\` 正在运行，或已设置 DUBAN_TEMPORAL_ADDRESS`,
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
    throw new DubanError('CONFIG', `${file} 处没有 duban 数据库：请先运行 \`npm start\`（它会创建数据库），或设置 DATABASE_URL / DUBAN_DATA_DIR`);
  }
  const db = createDb(config.databaseUrl);
  try {
    return await fn(db);
  } finally {
    await db.$disconnect();
  }
}
