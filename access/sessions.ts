// Logging in and out of the console. A session is a random token in an HttpOnly cookie (only its sha256 is
// stored) with its own CSRF token; wrong passwords in a row make the next attempt wait longer.
import { createHash, randomBytes } from 'node:crypto';
import { DubanError } from '../domain/errors';
import type { Db } from '../store/db';
import { type Role, isRole } from './operators';
import { hashPassword, passwordMatches } from './passwords';

export const SESSION_HOURS = 12;
/** Wrong passwords allowed before each further attempt must wait. */
export const FREE_FAILURES = 5;
const FIRST_WAIT_S = 30;
const LONGEST_WAIT_S = 15 * 60;

export class LoginThrottled extends DubanError {
  constructor(readonly retryAfterSeconds: number) {
    super('LOGIN_THROTTLED', `密码错误次数过多，请 ${retryAfterSeconds} 秒后再试`);
  }
}

export interface SessionOperator {
  name: string;
  displayName: string;
  role: Role;
}

export interface OpenedSession {
  token: string;
  csrfToken: string;
  operator: SessionOperator;
  expiresAt: Date;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

/** Seconds still to wait after `failures` wrong passwords in a row, the last at `last`. */
export function throttleWait(failures: number, last: number, now: number): number {
  if (failures < FREE_FAILURES) return 0;
  const wait = Math.min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (failures - FREE_FAILURES));
  return Math.max(0, Math.ceil((last + wait * 1000 - now) / 1000));
}

// Checked when the name is unknown, so an unknown name costs the same time as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function login(db: Db, name: string, password: string, now = Date.now()): Promise<OpenedSession> {
  const throttle = await db.loginThrottle.findUnique({ where: { name } });
  if (throttle) {
    const wait = throttleWait(throttle.failures, throttle.lastFailure.getTime(), now);
    if (wait > 0) throw new LoginThrottled(wait);
  }
  const operator = await db.operator.findUnique({ where: { name } });
  decoyHash ??= hashPassword(randomToken());
  const ok = await passwordMatches(operator?.passwordHash ?? (await decoyHash), password);
  if (!operator || !ok || !isRole(operator.role)) {
    await db.loginThrottle.upsert({
      where: { name },
      create: { name, failures: 1, lastFailure: new Date(now) },
      update: { failures: { increment: 1 }, lastFailure: new Date(now) },
    });
    throw new DubanError('LOGIN_FAILED', '账号或密码错误');
  }
  if (throttle) await db.loginThrottle.delete({ where: { name } }).catch(() => {});
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now + SESSION_HOURS * 3600_000);
  await db.operatorSession.create({ data: { tokenHash: sha256(token), operator: name, csrfToken, expiresAt } });
  return { token, csrfToken, expiresAt, operator: { name, displayName: operator.displayName, role: operator.role } };
}

/** The session a cookie's token opens, or undefined when it is unknown or expired. */
export async function sessionOf(db: Db, token: string | undefined, now = Date.now()): Promise<{ csrfToken: string; operator: SessionOperator } | undefined> {
  if (!token) return undefined;
  const row = await db.operatorSession.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.expiresAt.getTime() <= now) return undefined;
  const operator = await db.operator.findUnique({ where: { name: row.operator } });
  if (!operator || !isRole(operator.role)) return undefined;
  return { csrfToken: row.csrfToken, operator: { name: operator.name, displayName: operator.displayName, role: operator.role } };
}

export async function logout(db: Db, token: string | undefined): Promise<void> {
  if (token) await db.operatorSession.deleteMany({ where: { tokenHash: sha256(token) } });
}
