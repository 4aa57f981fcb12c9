// Each test suite gets its own real database: a fresh SQLite file, or a fresh database on the PostgreSQL
// server at DUBAN_TEST_POSTGRES_URL (default: this machine's, trust auth). Nothing left by an earlier run
// is used: names are new each time, and databases of test processes that no longer run are dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseKind } from '../../store/db';

/** The databases the suites run on: both, unless DUBAN_TEST_DATABASES names fewer (e.g. `sqlite`). */
export const TEST_DATABASES: DatabaseKind[] = (process.env.DUBAN_TEST_DATABASES ?? 'sqlite,postgresql')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is DatabaseKind => s === 'sqlite' || s === 'postgresql');

const ADMIN_URL = process.env.DUBAN_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** This machine's test databases: duban_test_<host>_<pid>_<random>; only its own dead ones are dropped. */
const PREFIX = `duban_test_${hostname().replace(/[^A-Za-z0-9]/g, '').slice(0, 20).toLowerCase()}_`;

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `the PostgreSQL test suites need a server at ${ADMIN_URL} (${(err as Error).message}); ` +
        'set DUBAN_TEST_POSTGRES_URL, or DUBAN_TEST_DATABASES=sqlite to run on SQLite only',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshPostgres(): Promise<TestDatabase> {
  const name = `${PREFIX}${process.pid}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await admin(async (c) => {
    const old = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
    for (const { datname } of old.rows) {
      const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
      if (!alive(pid)) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgresql',
    url: url.toString(),
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-db-'));
  return { kind: 'sqlite', url: `file:${join(dir, 'duban.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new, empty database of `kind` (not yet migrated). */
export async function freshDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === 'sqlite' ? freshSqlite() : freshPostgres();
}
