// Bringing the application database to the current schema. Prisma's `migrate deploy` fails on PostgreSQL with
// the driver adapters we can install (docs/toolchain.md), so duban applies its migrations itself: each folder
// of prisma/migrations (SQLite) or prisma/postgresql/migrations once, in name order, in a transaction with its
// row in duban_migrations. A database migrated earlier by `prisma migrate deploy` is adopted as it is.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DubanError } from '../domain/errors';
import { type DatabaseKind, databaseKind, redact } from './db';

const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const MIGRATIONS_DIR: Record<DatabaseKind, string> = {
  sqlite: join(PROJECT_ROOT, 'prisma', 'migrations'),
  postgresql: join(PROJECT_ROOT, 'prisma', 'postgresql', 'migrations'),
};

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsFor(kind: DatabaseKind): Migration[] {
  const dir = MIGRATIONS_DIR[kind];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** What one database needs from the runner: a few statements, and a transaction around a migration. */
interface MigrationTarget {
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
  /** Serialises concurrent runners (npm start and workers starting together). */
  lock(): Promise<void>;
  close(): Promise<void>;
}

function sqliteTarget(url: string): MigrationTarget {
  const file = url.slice('file:'.length);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  // Readers and one writer at a time without blocking each other, one sync per checkpoint instead of several
  // per commit; the mode is kept in the file, so every later connection has it.
  db.pragma('journal_mode = WAL');
  return {
    async query(sql, params = []) {
      const stmt = db.prepare(sql);
      return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
    },
    async exec(sql) {
      db.exec(sql);
    },
    async lock() {
      // BEGIN IMMEDIATE in each migration's transaction serialises writers; nothing more is needed.
    },
    async close() {
      db.close();
    },
  };
}

async function postgresTarget(url: string): Promise<MigrationTarget> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new DubanError('CONFIG', `cannot connect to the database ${redact(url)}: ${(err as Error).message}`);
  }
  return {
    async query(sql, params = []) {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    },
    async exec(sql) {
      await client.query(sql);
    },
    async lock() {
      await client.query("SELECT pg_advisory_lock(hashtext('duban_migrations'))");
    },
    async close() {
      await client.end();
    },
  };
}

const BEGIN: Record<DatabaseKind, string> = { sqlite: 'BEGIN IMMEDIATE', postgresql: 'BEGIN' };
const param = (kind: DatabaseKind, n: number) => (kind === 'sqlite' ? '?' : `$${n}`);

/** Migrations `prisma migrate deploy` applied before duban ran its own (SQLite databases of earlier versions). */
async function appliedByPrisma(t: MigrationTarget, kind: DatabaseKind): Promise<Set<string>> {
  const table =
    kind === 'sqlite'
      ? await t.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      : await t.query("SELECT table_name AS name FROM information_schema.tables WHERE table_name = '_prisma_migrations' AND table_schema = current_schema()");
  if (table.length === 0) return new Set();
  const rows = await t.query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL');
  return new Set(rows.map((r) => String(r.migration_name)));
}

/** Applies every migration the database lacks; returns the names applied now. */
export async function migrateDatabase(url: string): Promise<string[]> {
  const kind = databaseKind(url);
  const migrations = migrationsFor(kind);
  const t = kind === 'sqlite' ? sqliteTarget(url) : await postgresTarget(url);
  const applied: string[] = [];
  try {
    await t.lock();
    await t.exec('CREATE TABLE IF NOT EXISTS duban_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Map((await t.query('SELECT name, checksum FROM duban_migrations')).map((r) => [String(r.name), String(r.checksum)]));
    const byPrisma = await appliedByPrisma(t, kind);
    for (const m of migrations) {
      if (done.has(m.name)) {
        if (done.get(m.name) !== m.checksum) {
          throw new DubanError('CONFIG', `migration ${m.name} has changed since it was applied to ${redact(url)}; migrations must never be edited once released`);
        }
        continue;
      }
      try {
        await t.exec(BEGIN[kind]);
        const meanwhile = await t.query(`SELECT name FROM duban_migrations WHERE name = ${param(kind, 1)}`, [m.name]);
        if (meanwhile.length > 0) {
          await t.exec('COMMIT'); // another runner applied it while this one waited
          continue;
        }
        if (!byPrisma.has(m.name)) await t.exec(m.sql);
        await t.query(`INSERT INTO duban_migrations (name, checksum, applied_at) VALUES (${param(kind, 1)}, ${param(kind, 2)}, ${param(kind, 3)})`, [
          m.name,
          m.checksum,
          new Date().toISOString(),
        ]);
        await t.exec('COMMIT');
      } catch (err) {
        await t.exec('ROLLBACK').catch(() => {}); // nothing to roll back when BEGIN itself failed
        throw new DubanError('CONFIG', `migration ${m.name} failed on ${redact(url)}: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
  } finally {
    await t.close();
  }
  return applied;
}
