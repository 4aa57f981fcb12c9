// The Prisma client over a driver adapter (no native query engine; see docs/toolchain.md).
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '../generated/prisma/client';
import { databaseUrl } from './db-url';

export type Db = PrismaClient;

export function createDb(url: string = databaseUrl()): Db {
  if (!url.startsWith('file:')) {
    throw new Error(`DATABASE_URL ${JSON.stringify(url)}: this build supports SQLite (file:…) only; see docs/configuration.md`);
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}
