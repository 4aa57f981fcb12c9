// 单位报送链接: each letter carries a link naming one unit of one campaign, signed with a key every process on
// the database shares, and expiring with the campaign. The token is the unit's only credential.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { addDays, isCivilDate, type CivilDate } from '../domain/calendar';
import { DubanError } from '../domain/errors';
import type { Db } from '../store/db';

/** A link stays valid this many days after the campaign's last deadline. */
export const LINK_DAYS_AFTER_LAST_DEADLINE = 30;
const KEY_NAME = 'unit-link-key';

export interface UnitLink {
  campaignId: string;
  unitId: string;
  /** The last day (in the campaign's zone) on which the link opens. */
  expiresOn: CivilDate;
}

/** The signing key, created once by whichever process needs it first. */
export async function unitLinkKey(db: Db): Promise<Buffer> {
  const existing = await db.secret.findUnique({ where: { name: KEY_NAME } });
  if (existing) return Buffer.from(existing.value, 'base64');
  await db.secret.createMany({ data: [{ name: KEY_NAME, value: randomBytes(32).toString('base64') }] }).catch((err: { code?: string }) => {
    if (err.code !== 'P2002') throw err;
  });
  const row = await db.secret.findUniqueOrThrow({ where: { name: KEY_NAME } });
  return Buffer.from(row.value, 'base64');
}

export function linkExpiry(lastDeadline: CivilDate): CivilDate {
  return addDays(lastDeadline, LINK_DAYS_AFTER_LAST_DEADLINE);
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 20);

export function signUnitLink(key: Buffer, link: UnitLink): string {
  const payload = Buffer.from(JSON.stringify([1, link.campaignId, link.unitId, link.expiresOn])).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

const INVALID = () => new DubanError('LINK_INVALID', '链接无效：它不是本系统发出的报送链接，或已被改动。请使用通知邮件中的原始链接，或联系发文单位。');

/** The unit and campaign a token names; refuses a forged or altered one (see linkStillOpen for expiry). */
export function verifyUnitLink(key: Buffer, token: string): UnitLink {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw INVALID();
  const expected = mac(key, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw INVALID();
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw INVALID();
  }
  if (!Array.isArray(fields) || fields[0] !== 1 || fields.length !== 4 || !fields.slice(1).every((f) => typeof f === 'string')) throw INVALID();
  const [, campaignId, unitId, expiresOn] = fields as [number, string, string, string];
  if (!isCivilDate(expiresOn)) throw INVALID();
  return { campaignId, unitId, expiresOn };
}

/** Refuses a link whose last day has passed; `today` in the campaign's time zone. */
export function linkStillOpen(link: UnitLink, today: CivilDate): void {
  if (today > link.expiresOn) {
    throw new DubanError('LINK_EXPIRED', `链接已于 ${link.expiresOn} 过期：该专项行动已结束。如仍需报送，请联系发文单位。`);
  }
}
