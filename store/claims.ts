// The exactly-once claim every outgoing letter is sent under, over any table with a key column and the claim's
// columns (status claimed | sending | sent, attempts, leaseUntil, claimToken, sentAt, createdAt; documentNumber
// where the letter is numbered). A letter met for the first time costs one insert (a numbered one, one
// transaction that takes the register's next 发文字号 and inserts the row holding it); a retry takes over a
// released or lapsed claim with a guarded update, keeping the number its row was given; a live attempt renews its
// lease while it talks to the peer; after the peer accepted, one transaction marks the row sent and records what
// follows (failing still, the sent-mark alone).
import { randomUUID } from 'node:crypto';
import { Prisma } from '../generated/prisma/client';
import { type Db, hotSql } from './db';
import { type SqlStatement, sql } from './hot-sql';

/**
 * How long a claim holds without renewal. A live attempt renews it every `renewMs` while it talks to the peer,
 * so it never lapses under a live conversation; a crashed attempt's lapses within this, before Temporal retries
 * the activity (its heartbeat timeout, 10 s, is longer), and the retry resends under the same key.
 */
export interface ClaimLease {
  leaseMs: number;
  renewMs: number;
}

export const CLAIM_LEASE: ClaimLease = { leaseMs: 7_000, renewMs: 2_500 };

interface ClaimRow {
  status: string;
  leaseUntil: Date | null;
  documentNumber?: string | null;
}

/** The model's delegate, as the claim uses it (every claim table's has these). */
export interface ClaimRows {
  findUnique(args: { where: Record<string, unknown> }): Promise<ClaimRow | null>;
  updateMany(args: { where: Record<string, unknown>; data: Record<string, unknown> }): Promise<{ count: number }>;
}

/** A table of claims. */
export interface ClaimTable {
  /** The table and its key column as SQL names them. */
  table: string;
  key: string;
  /** What a row is, in messages: notice, unit message, circulation. */
  noun: string;
  /** Its rows carry the 发文字号 (documentNumber) the first claim gives. */
  numbered: boolean;
  rows: (db: Prisma.TransactionClient) => ClaimRows;
}

/** The register a numbered letter takes its 发文字号 from (prefix and year, across campaigns), from `from` on. */
export interface DocumentNumbering {
  prefix: string;
  year: number;
  from: number;
}

export const plainNumber = (prefix: string, year: number, n: number) => `${prefix}〔${year}〕${n}号`;

type Column = string | number | Date | null;

/** What an attempt asks to claim. */
export interface Claim<T> {
  key: string;
  /** What is sent, worded with the 发文字号 its row has or is given (undefined: it has none). */
  word: (documentNumber: string | undefined) => T;
  /** The columns holding it: written by the insert, and again by a take-over (the last wording is the one claimed). */
  columns: (claimed: T) => Record<string, Column>;
  /** Columns only the insert writes. */
  fixed?: Record<string, Column>;
  numbering?: DocumentNumbering;
  /** The number as printed, e.g. 雷安办〔2022〕3号. */
  formatNumber?: (prefix: string, year: number, n: number) => string;
}

/** The claim one attempt holds: its token says the claim is still this attempt's. */
export interface HeldClaim {
  businessKey: string;
  token: string;
}

export interface Held<T> extends HeldClaim {
  claim: T;
}

/** Another attempt holds the claim until `until`: retry after that. */
export class ClaimHeldError extends Error {
  constructor(
    readonly businessKey: string,
    readonly until: Date,
    noun = 'notice',
  ) {
    super(`${noun} ${businessKey} is being sent by another attempt until ${until.toISOString()}`);
    this.name = 'ClaimHeldError';
  }
}

/** A row of a 待签发 letter a leader approved: the send claims it, and numbers it then (its preview had no number). */
export const APPROVED = 'approved';

/** Rolls back a numbered claim's transaction that found the row: the number goes back to the register. */
class RowExists extends Error {}

const name = (identifier: string) => Prisma.raw(`"${identifier}"`);

function insertStatement(table: ClaimTable, columns: Record<string, Column>): SqlStatement {
  const names = Object.keys(columns);
  return sql(
    `INSERT INTO "${table.table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')}) ON CONFLICT ("${table.key}") DO NOTHING`,
    names.map((n) => columns[n]),
  );
}

function insertRow(q: Pick<Db, '$executeRaw'>, table: ClaimTable, columns: Record<string, Column>) {
  const names = Object.keys(columns);
  return q.$executeRaw(
    Prisma.sql`INSERT INTO ${name(table.table)} (${Prisma.join(names.map(name))}) VALUES (${Prisma.join(names.map((n) => columns[n]))})
      ON CONFLICT (${name(table.key)}) DO NOTHING`,
  );
}

/**
 * Takes the right to talk to the peer about this letter: the claim when this attempt holds it, 'already-sent' when
 * an earlier attempt delivered it. Throws ClaimHeldError while another attempt's lease is live. A retry or a
 * take-over words the letter with the number already on its row: a number is given once, to one letter.
 */
export async function claim<T>(db: Db, table: ClaimTable, c: Claim<T>, lease: ClaimLease = CLAIM_LEASE, now: Date = new Date()): Promise<Held<T> | 'already-sent'> {
  const { key } = c;
  const leaseUntil = new Date(now.getTime() + lease.leaseMs);
  const token = randomUUID();
  const held = (claimed: T): Held<T> => ({ businessKey: key, token, claim: claimed });
  const claimColumns = { status: 'sending', leaseUntil, claimToken: token };
  const rowOf = (claimed: T, documentNumber: string | undefined) => ({
    [table.key]: key,
    ...c.fixed,
    ...c.columns(claimed),
    ...claimColumns,
    attempts: 1,
    ...(table.numbered ? { documentNumber: documentNumber ?? null } : {}),
    createdAt: now,
  });
  const insert = (q: Pick<Db, '$executeRaw'>, claimed: T, documentNumber: string | undefined) => insertRow(q, table, rowOf(claimed, documentNumber));
  const numbering = c.numbering;
  const nextNumber = async (tx: Pick<Db, '$queryRaw'>) =>
    numbering ? (c.formatNumber ?? plainNumber)(numbering.prefix, numbering.year, await nextDocumentNumber(tx, numbering)) : undefined;
  /** One transaction that takes the register's next number and writes the row holding it; undefined when the row was not there to write. */
  const numbered = async (write: (tx: Prisma.TransactionClient, claimed: T, documentNumber: string | undefined) => Promise<number>) => {
    try {
      return await db.$transaction(
        async (tx) => {
          const documentNumber = await nextNumber(tx);
          const claimed = c.word(documentNumber);
          if ((await write(tx, claimed, documentNumber)) !== 1) throw new RowExists();
          return held(claimed);
        },
        { maxWait: 60_000, timeout: 30_000 },
      );
    } catch (err) {
      if (!(err instanceof RowExists)) throw err;
      return undefined;
    }
  };

  if (numbering) {
    const first = await numbered(insert);
    if (first) return first;
  } else {
    const claimed = c.word(undefined);
    if ((await hotSql(db).run(insertStatement(table, rowOf(claimed, undefined)))) === 1) return held(claimed);
  }

  const rows = table.rows(db);
  const where = { [table.key]: key };
  const takeOver = (claimed: T) => ({ ...claimColumns, attempts: { increment: 1 }, ...c.columns(claimed) });
  const existing = await rows.findUnique({ where });
  if (existing?.status === 'sent') return 'already-sent';
  if (existing?.status === APPROVED) {
    const approved = await numbered(async (tx, claimed, documentNumber) => {
      const extra = table.numbered ? { documentNumber: documentNumber ?? null } : {};
      return (await table.rows(tx).updateMany({ where: { ...where, status: APPROVED }, data: { ...takeOver(claimed), ...extra } })).count;
    });
    if (approved) return approved;
  }
  // an earlier attempt's claim, released or lapsed, is taken over (the guarded update), keeping the number it was given
  const claimed = c.word(existing?.documentNumber ?? undefined);
  const taken = await rows.updateMany({
    where: { ...where, OR: [{ status: 'claimed' }, { status: 'sending', leaseUntil: { lt: now } }] },
    data: takeOver(claimed),
  });
  if (taken.count === 1) return held(claimed);
  const row = await rows.findUnique({ where });
  if (row?.status === 'sent') return 'already-sent';
  throw new ClaimHeldError(key, row?.leaseUntil ?? now, table.noun);
}

/**
 * The next number of the register of `prefix` and `year`: one atomic upsert (the row is locked until the caller's
 * transaction ends, so concurrent claims wait for each other and never read the same number).
 */
export async function nextDocumentNumber(tx: Pick<Db, '$queryRaw'>, { prefix, year, from }: DocumentNumbering): Promise<number> {
  const rows = await tx.$queryRaw<{ last: number | bigint }[]>`INSERT INTO "DocumentSequence" ("prefix", "year", "last") VALUES (${prefix}, ${year}, ${from})
    ON CONFLICT ("prefix", "year") DO UPDATE SET "last" = CASE WHEN "DocumentSequence"."last" + 1 < ${from} THEN ${from} ELSE "DocumentSequence"."last" + 1 END
    RETURNING "last"`;
  return Number(rows[0].last);
}

export async function wasSent(db: Db, table: ClaimTable, key: string): Promise<boolean> {
  return (await table.rows(db).findUnique({ where: { [table.key]: key } }))?.status === 'sent';
}

/** Keeps a live attempt's claim from lapsing; false when the claim is no longer this attempt's to renew. */
export async function renew(db: Db, table: ClaimTable, held: HeldClaim, lease: ClaimLease = CLAIM_LEASE, now: Date = new Date()): Promise<boolean> {
  const renewed = await table.rows(db).updateMany({
    where: { [table.key]: held.businessKey, claimToken: held.token, status: 'sending' },
    data: { leaseUntil: new Date(now.getTime() + lease.leaseMs) },
  });
  return renewed.count === 1;
}

/** The peer refused or could not be reached: nothing was delivered, so the next attempt may send. */
export async function release(db: Db, table: ClaimTable, held: HeldClaim): Promise<void> {
  await table.rows(db).updateMany({
    where: { [table.key]: held.businessKey, claimToken: held.token, status: 'sending' },
    data: { status: 'claimed', leaseUntil: null, claimToken: null },
  });
}

/** What a sent letter's record is: the sent-mark alone, and the whole record (the sent-mark and what follows) in one transaction. */
export interface SentRecord {
  key: string;
  noun: string;
  sentMark: () => Promise<unknown>;
  commit: () => Promise<unknown>;
}

/**
 * The record of a sent letter, prepared before talking to the peer (every write's shape is checked now, so nothing
 * about the record itself can fail after the peer accepted the letter), committed after it.
 */
export function prepareRecord(db: Db, table: ClaimTable, key: string, sentAt: Date, outcome: () => Prisma.PrismaPromise<unknown>[]): SentRecord {
  const sentMark = () =>
    db.$executeRaw(Prisma.sql`UPDATE ${name(table.table)} SET "status" = ${'sent'}, "sentAt" = ${sentAt}, "leaseUntil" = NULL, "claimToken" = NULL
      WHERE ${name(table.key)} = ${key} AND "status" <> ${'sent'}`);
  const writes = () => [sentMark(), ...outcome()];
  void writes(); // builds (and so checks) every write; a Prisma query runs only when awaited
  return { key, noun: table.noun, sentMark, commit: () => db.$transaction(writes()) };
}

/** The sent-mark as plain SQL (store/hot-sql.ts). */
export function sentMarkStatement(table: ClaimTable, key: string, sentAt: Date): SqlStatement {
  return sql(
    `UPDATE "${table.table}" SET "status" = 'sent', "sentAt" = ?, "leaseUntil" = NULL, "claimToken" = NULL WHERE "${table.key}" = ? AND "status" <> 'sent'`,
    [sentAt, key],
  );
}

/** The same record as plain SQL statements, for the hot path (store/hot-sql.ts): the sent-mark, then `outcome`. */
export function prepareHotRecord(db: Db, table: ClaimTable, key: string, sentAt: Date, outcome: SqlStatement[]): SentRecord {
  const hot = hotSql(db);
  const mark = sentMarkStatement(table, key, sentAt);
  return { key, noun: table.noun, sentMark: () => hot.run(mark), commit: () => hot.transaction([mark, ...outcome]) };
}

const RECORD_TRIES = 3;

/**
 * The peer accepted the letter: one transaction, sent to the database right away, marks it sent and records what
 * follows from it. A failing database is tried again a few times; failing still, the sent-mark alone is written, so
 * that no retry sends the letter again, and the error is thrown so that the retry completes the record.
 */
export async function commitRecord(record: SentRecord): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= RECORD_TRIES; attempt++) {
    try {
      await record.commit();
      return;
    } catch (err) {
      lastError = err; // e.g. a busy database, or a concurrent completion of the same record (unique key)
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  await record.sentMark();
  throw new Error(`${record.noun} ${record.key} was sent, but its record could not be written: ${String(lastError)}`);
}
