// The hot path's SQLite connection (store/hot-sql.ts): its writes read back through Prisma as Prisma's own, and a lock
// held by another connection makes it wait between event-loop turns, never on the main thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, createDb, hotSql } from '../store/db';
import { sql, sqliteHotSql } from '../store/hot-sql';
import { migrateDatabase } from '../store/migrate';

describe('hot-path SQL on SQLite', () => {
  let dir: string;
  let url: string;
  let db: Db;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-hot-sql-'));
    url = `file:${join(dir, 'duban.db')}`;
    await migrateDatabase(url);
    db = createDb(url);
  });

  afterAll(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes rows (DateTimes included) that Prisma reads back as it wrote them', async () => {
    const at = new Date('2030-01-10T01:02:03.456Z');
    const changed = await hotSql(db).transaction([
      sql(
        `INSERT INTO "AuditEvent" ("eventKey", "campaignId", "unitId", "deliverableId", "at", "kind", "actor", "summary", "detail")
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ['hot/1', 'c1', 'u1', null, at, 'notice.sent', 'duban', 'sent', '{}'],
      ),
      sql(`UPDATE "AuditEvent" SET "summary" = ? WHERE "eventKey" = ?`, ['sent again', 'hot/1']),
    ]);
    expect(changed).toEqual([1, 1]);
    const row = await db.auditEvent.findUnique({ where: { eventKey: 'hot/1' } });
    expect(row?.at.toISOString()).toBe(at.toISOString());
    expect(row?.summary).toBe('sent again');
    expect(row?.deliverableId).toBeNull();
    // and Prisma's rows read back through it
    await db.auditEvent.create({ data: { eventKey: 'prisma/1', campaignId: 'c1', at, kind: 'notice.sent', actor: 'duban', summary: 'p', detail: '{}' } });
    const rows = await hotSql(db).all<{ at: string }>(sql(`SELECT "at" FROM "AuditEvent" WHERE "eventKey" IN (?, ?) ORDER BY "eventKey"`, ['hot/1', 'prisma/1']));
    expect(rows.map((r) => new Date(r.at).toISOString())).toEqual([at.toISOString(), at.toISOString()]);
  });

  it('waits for another connection’s write lock without blocking the event loop, then writes', async () => {
    const hot = sqliteHotSql(join(dir, 'duban.db'), 10_000);
    const other = new Database(join(dir, 'duban.db'));
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      let written = false;
      const write = hot.run(sql(`UPDATE "AuditEvent" SET "summary" = ? WHERE "eventKey" = ?`, ['after the lock', 'hot/1'])).then((n) => {
        written = true;
        return n;
      });
      // the event loop turns while the write waits: a timer fires, and the write has not happened
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(written).toBe(false);
      other.prepare('COMMIT').run();
      expect(await write).toBe(1);
      expect((await db.auditEvent.findUnique({ where: { eventKey: 'hot/1' } }))?.summary).toBe('after the lock');
    } finally {
      if (other.inTransaction) other.prepare('ROLLBACK').run();
      other.close();
      hot.close();
    }
  });

  it('gives up with the database’s error once the busy timeout has passed', async () => {
    const hot = sqliteHotSql(join(dir, 'duban.db'), 100);
    const other = new Database(join(dir, 'duban.db'));
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      await expect(hot.run(sql(`UPDATE "AuditEvent" SET "summary" = ? WHERE "eventKey" = ?`, ['never', 'hot/1']))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
      hot.close();
    }
  });
});
