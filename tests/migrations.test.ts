// duban's own migration runner, on both databases: a fresh database gets every migration once; a second run
// applies nothing; an edited migration is refused; a database migrated earlier by `prisma migrate deploy` is
// adopted without re-running its migrations. And the PostgreSQL schema is the SQLite one with its provider.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../store/db';
import { MIGRATIONS_DIR, migrateDatabase, migrationsFor } from '../store/migrate';
import { type TestDatabase, TEST_DATABASES, freshDatabase } from './support/databases';

const run = promisify(execFile);
const TSX = join('node_modules', '.bin', 'tsx');
const opened: TestDatabase[] = [];
async function fresh(kind: (typeof TEST_DATABASES)[number]): Promise<TestDatabase> {
  const d = await freshDatabase(kind);
  opened.push(d);
  return d;
}
afterEach(async () => {
  for (const d of opened.splice(0)) await d.drop();
});

describe.each(TEST_DATABASES)('migrations on %s', (kind) => {
  it('applies every migration once, and then nothing', async () => {
    const d = await fresh(kind);
    const all = migrationsFor(kind).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect(await migrateDatabase(d.url)).toEqual(all);
    expect(await migrateDatabase(d.url)).toEqual([]);
    const db = createDb(d.url);
    try {
      expect(await db.campaign.count()).toBe(0); // the schema the client expects is there
    } finally {
      await db.$disconnect();
    }
  });

  it('lets runners in concurrent processes apply each migration once', async () => {
    const d = await fresh(kind);
    const runs = await Promise.all([1, 2, 3].map(() => run(TSX, ['tests/support/migrate-once.ts', d.url])));
    const applied = runs.flatMap((r) => JSON.parse(r.stdout) as string[]);
    expect(applied.sort()).toEqual(migrationsFor(kind).map((m) => m.name));
  });
});

describe('migrations', () => {
  it('refuse a migration edited after it was applied', async () => {
    const d = await fresh('sqlite');
    await migrateDatabase(d.url);
    const file = d.url.slice('file:'.length);
    const sqlite = new Database(file);
    sqlite.prepare("UPDATE duban_migrations SET checksum = 'edited' WHERE name = ?").run(migrationsFor('sqlite')[0].name);
    sqlite.close();
    await expect(migrateDatabase(d.url)).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('has changed since it was applied') });
  });

  it('adopt a SQLite database that `prisma migrate deploy` migrated', async () => {
    const d = await fresh('sqlite');
    const file = d.url.slice('file:'.length);
    const sqlite = new Database(file);
    const [first, ...rest] = migrationsFor('sqlite');
    sqlite.exec(first.sql);
    sqlite.exec('CREATE TABLE _prisma_migrations (migration_name TEXT, finished_at DATETIME, rolled_back_at DATETIME)');
    sqlite.prepare("INSERT INTO _prisma_migrations VALUES (?, '2026-11-22', NULL)").run(first.name);
    sqlite.close();
    expect(await migrateDatabase(d.url)).toEqual([first.name, ...rest.map((m) => m.name)]);
    const db = createDb(d.url);
    try {
      expect(await db.campaign.count()).toBe(0);
    } finally {
      await db.$disconnect();
    }
  });

  it('keep the PostgreSQL schema the SQLite schema with only its provider and output changed', () => {
    const sqlite = readFileSync('prisma/schema.prisma', 'utf8');
    const derived = sqlite
      .replace('provider = "sqlite"', 'provider = "postgresql"')
      .replace('output     = "../generated/prisma"', 'output     = "../../generated/prisma-postgresql"');
    expect(readFileSync('prisma/postgresql/schema.prisma', 'utf8')).toBe(derived);
    expect(MIGRATIONS_DIR.postgresql).toMatch(/prisma\/postgresql\/migrations$/);
  });
});
