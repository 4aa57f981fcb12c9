// The assumptions file of `duban plan --assume` and `duban simulate --assume`: operator actions that
// are supposed to happen, each at a given time. Format: docs/campaign-format.md#assumptions.
import { parse } from 'yaml';
import { isCivilDate } from './calendar';
import { DubanError } from './errors';
import type { Assumption } from './plan';
import { parseInstant } from './zoned-time';

const KINDS = ['submit', 'extend', 'return', 'waive', 'approve', 'withdraw'] as const;
const SIGN_OFF_STEPS = ['circulate', 'interview'] as const;

export function parseAssumptions(text: string, file: string, timeZone: string): Assumption[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new DubanError('INVALID_ARGUMENT', `${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new DubanError('INVALID_ARGUMENT', `${file}: must be a list of assumptions`);
  const problems: string[] = [];
  const out: Assumption[] = [];
  raw.forEach((entry: Record<string, unknown>, i) => {
    const where = `${file}: entry ${i + 1}`;
    const fail = (msg: string) => problems.push(`${where}: ${msg}`);
    if (!entry || typeof entry !== 'object') return fail('must be a mapping');
    const kinds = KINDS.filter((k) => k in entry);
    const unknown = Object.keys(entry).filter((k) => !['unit', 'deliverable', ...KINDS].includes(k));
    if (unknown.length) return fail(`unknown field(s) ${unknown.join(', ')}`);
    if (typeof entry.unit !== 'string' || !entry.unit) return fail('unit is required');
    if (typeof entry.deliverable !== 'string' || !entry.deliverable) return fail('deliverable is required');
    if (kinds.length !== 1) return fail(`needs exactly one of ${KINDS.join(', ')}`);
    const kind = kinds[0];
    const body = entry[kind];
    const time = (v: unknown, field: string): number | undefined => {
      const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : undefined;
      const at = s === undefined ? undefined : parseInstant(isCivilDate(s) ? `${s}T12:00:00` : s, timeZone);
      if (at === undefined) fail(`${field} must be a date-time such as 2022-10-11T15:00:00+08:00, got ${JSON.stringify(v)}`);
      return at;
    };
    const date = (v: unknown, field: string): string | undefined => {
      const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
      if (typeof s !== 'string' || !isCivilDate(s)) {
        fail(`${field} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
        return undefined;
      }
      return s;
    };
    const base = { unit: entry.unit, deliverable: entry.deliverable, source: where };
    if (kind === 'submit') {
      const at = time(body, 'submit');
      if (at !== undefined) out.push({ ...base, at, event: { kind: 'submit' } });
      return;
    }
    if (!body || typeof body !== 'object') {
      const fields = { waive: 'at and reason', approve: 'at and step', withdraw: 'at, step and reason' }[kind as string] ?? 'at, to and reason';
      return fail(`${kind} must be a mapping with ${fields}`);
    }
    const b = body as Record<string, unknown>;
    const at = time(b.at, `${kind}.at`);
    if (kind === 'approve' || kind === 'withdraw') {
      // a leader's 签发 of the letter of `step` (circulate: the 通报 listing this unit; interview: its 约谈通知)
      const step = SIGN_OFF_STEPS.find((s) => s === b.step);
      if (!step) fail(`${kind}.step must be one of ${SIGN_OFF_STEPS.join(', ')}, got ${JSON.stringify(b.step)}`);
      if (kind === 'approve') {
        if (at !== undefined && step) out.push({ ...base, at, event: { kind, step } });
        return;
      }
      const reason = typeof b.reason === 'string' ? b.reason : '';
      if (!reason) fail('withdraw.reason is required');
      if (at !== undefined && step && reason) out.push({ ...base, at, event: { kind, step, reason } });
      return;
    }
    const reason = typeof b.reason === 'string' ? b.reason : '';
    if (!reason) fail(`${kind}.reason is required`);
    if (kind === 'waive') {
      if (at !== undefined && reason) out.push({ ...base, at, event: { kind, reason } });
      return;
    }
    const to = date(b.to, `${kind}.to`);
    if (at !== undefined && to && reason) out.push({ ...base, at, event: { kind, to, reason } });
  });
  if (problems.length) throw new DubanError('INVALID_ARGUMENT', `${file} has ${problems.length} problem(s)`, problems);
  return out;
}
