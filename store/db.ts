// The Prisma client over a driver adapter (no native query engine; see docs/toolchain.md): SQLite (the
// embedded default, `file:…`) or PostgreSQL (`postgresql://…`). The two generated clients have the same
// models and the same API; `Db` is that API.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { DubanError } from '../domain/errors';
import { PrismaClient } from '../generated/prisma/client';
import { PrismaClient as PostgresClient } from '../generated/prisma-postgresql/client';
import { databaseUrl } from './db-url';
import { type HotSql, type RawClient, prismaHotSql, sqliteHotSql } from './hot-sql';

export type Db = PrismaClient;

/** Rows as the store hands them out. */
export type { Campaign, ExtensionRequest, Obligation, Unit } from '../generated/prisma/client';

export type DatabaseKind = 'sqlite' | 'postgresql';

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new DubanError('CONFIG', `DATABASE_URL ${JSON.stringify(redact(url))} is neither SQLite (file:…) nor PostgreSQL (postgresql://…)`);
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** How long a SQLite writer waits for another process's write (npm start and workers sharing one file). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export function createDb(url: string = databaseUrl()): Db {
  if (databaseKind(url) === 'sqlite') {
    const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: SQLITE_BUSY_TIMEOUT_MS }) });
    // The file is in WAL mode (store/migrate.ts); NORMAL syncs the log at checkpoints, not at every commit:
    // a commit survives a crash of the process, and only an OS crash or power loss can take the last ones.
    db.$executeRawUnsafe('PRAGMA synchronous = NORMAL').catch(() => {});
    const file = url.replace(/^file:/, '');
    // a second connection to an in-memory database would open another database: that one stays on Prisma's raw queries
    return file === ':memory:' || file === '' ? db : withHotSql(db, sqliteHotSql(file, SQLITE_BUSY_TIMEOUT_MS));
  }
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
}

const hotSqls = new WeakMap<object, HotSql>();

/** The database's hot-path SQL (store/hot-sql.ts), closed with the client. */
function withHotSql(db: Db, hot: HotSql): Db {
  hotSqls.set(db, hot);
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    hot.close();
    await disconnect();
  };
  return db;
}

/** The hot path's SQL for this client: its own SQLite connection, or (PostgreSQL, a transaction's client) Prisma's raw queries. */
export function hotSql(db: Db): HotSql {
  let hot = hotSqls.get(db);
  if (!hot) hotSqls.set(db, (hot = prismaHotSql(db as unknown as RawClient)));
  return hot;
}
