// The hot path's SQL (a letter's claim, its record, the reads that word it), off Prisma: each Prisma query, raw or
// not, goes through its query compiler and the driver adapter, which prepares the statement anew every time. On
// SQLite these statements run on a connection of their own (better-sqlite3, each statement prepared once); on
// PostgreSQL through Prisma's raw queries. The SQL is written once, with `?` placeholders, for both.
//
// The SQLite connection never waits for a lock: better-sqlite3 is synchronous, and waiting on the main thread for
// a lock held by Prisma's connection in this same process (an interactive transaction between two awaits) could
// never end. It asks with a busy timeout of 0 and, finding the database busy, tries again after a pause.
import Database from 'better-sqlite3';

export type SqlParam = string | number | Date | null;

export interface SqlStatement {
  sql: string;
  params: SqlParam[];
}

export const sql = (text: string, params: SqlParam[]): SqlStatement => ({ sql: text, params });

export interface HotSql {
  /** The rows of a query (SQLite gives DateTime columns as ISO strings, PostgreSQL as Dates). */
  all<T>(s: SqlStatement): Promise<T[]>;
  /** A write; the number of rows it changed. */
  run(s: SqlStatement): Promise<number>;
  /** The writes in one transaction (on SQLite: BEGIN IMMEDIATE); the rows each changed. */
  transaction(statements: SqlStatement[]): Promise<number[]>;
  close(): void;
}

/** What the PostgreSQL form needs of the Prisma client. */
export interface RawClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $transaction(queries: Promise<unknown>[]): Promise<unknown[]>;
}

/** `?` → `$1`, `$2`, … (the hot path's SQL has no `?` inside a literal). */
function numbered(text: string): string {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

/** On PostgreSQL (or any client without a SQLite file): Prisma's raw queries. */
export function prismaHotSql(db: RawClient): HotSql {
  const cache = new Map<string, string>();
  const text = (s: SqlStatement) => {
    let t = cache.get(s.sql);
    if (t === undefined) cache.set(s.sql, (t = numbered(s.sql)));
    return t;
  };
  return {
    all: <T>(s: SqlStatement) => db.$queryRawUnsafe<T[]>(text(s), ...s.params),
    run: (s) => db.$executeRawUnsafe(text(s), ...s.params),
    transaction: async (statements) => (await db.$transaction(statements.map((s) => db.$executeRawUnsafe(text(s), ...s.params)))) as number[],
    close() {},
  };
}

/** How Prisma's SQLite adapter stores a DateTime (its default timestampFormat, iso8601): what its reads expect. */
export const sqliteDateTime = (d: Date) => d.toISOString().replace('Z', '+00:00');

const sqliteParam = (p: SqlParam) => (p instanceof Date ? sqliteDateTime(p) : p);

const BUSY_PAUSE_MS = [1, 2, 5, 10, 20, 50, 100];

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** On SQLite: a connection of its own to the file, statements prepared once; busy, it retries for up to `busyTimeoutMs`. */
export function sqliteHotSql(file: string, busyTimeoutMs: number): HotSql {
  let conn: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  const open = () => {
    if (!conn) {
      conn = new Database(file, { timeout: 0 });
      // as Prisma's connection (store/db.ts): the file is in WAL mode; a commit is synced at checkpoints
      conn.pragma('synchronous = NORMAL');
    }
    return conn;
  };
  const prepared = (text: string) => {
    let st = statements.get(text);
    if (!st) statements.set(text, (st = open().prepare(text)));
    return st;
  };
  const retrying = async <R>(what: () => R): Promise<R> => {
    const until = Date.now() + busyTimeoutMs;
    for (let i = 0; ; i++) {
      try {
        return what();
      } catch (err) {
        if (!isBusy(err) || Date.now() > until) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS[Math.min(i, BUSY_PAUSE_MS.length - 1)]));
    }
  };
  const runOne = (s: SqlStatement) => prepared(s.sql).run(...s.params.map(sqliteParam)).changes;
  return {
    all: <T>(s: SqlStatement) => retrying(() => prepared(s.sql).all(...s.params.map(sqliteParam)) as T[]),
    run: (s) => retrying(() => runOne(s)),
    transaction: (list) => retrying(() => open().transaction(() => list.map(runOne)).immediate()),
    close() {
      conn?.close();
      conn = undefined;
      statements.clear();
    },
  };
}
