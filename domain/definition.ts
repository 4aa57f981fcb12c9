// The campaign definition file (YAML): parsing and validation with errors that name file, line and field.
// Pure: the caller reads the file. The format is documented in docs/campaign-format.md.
import { LineCounter, isMap, parseDocument, type Document } from 'yaml';
import { type CivilDate, isCivilDate } from './calendar';
import { DubanError } from './errors';
import { DEFAULT_POLICY, ESCALATION_LADDER, type EscalationStep, type NoticePolicy } from './policy';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './zoned-time';

/** 镇(街道) / 牵头部门 / 有关部门 */
export type UnitType = 'town' | 'lead_department' | 'department';
export const UNIT_TYPES: readonly UnitType[] = ['town', 'lead_department', 'department'];
/** Where a deliverable is submitted (报送): the office (市安委办) and/or the unit's lead departments. */
export type SubmitTarget = 'office' | 'lead_departments';

export interface UnitDef {
  id: string;
  name: string;
  type: UnitType;
  email: string;
  principal: { name: string; email: string };
  reportsTo: string[];
}

export interface StageDef {
  id: string;
  name: string;
  start: CivilDate;
  end: CivilDate;
}

export interface DeliverableDef {
  id: string;
  name: string;
  stage: string;
  /** Unit types and/or unit ids that owe it. */
  owedBy: string[];
  /** Default deadline: the stage's end when not given. */
  due: CivilDate;
  /** Deadlines for particular unit types or unit ids (a unit id wins over its type). */
  dueFor: Record<string, CivilDate>;
  submitTo: SubmitTarget[];
  policy: NoticePolicy;
}

export interface CampaignDefinition {
  id: string;
  title: string;
  office: { name: string; email: string };
  timeZone: string;
  calendar: { holidays: CivilDate[]; workdays: CivilDate[]; years: number[] };
  policy: NoticePolicy;
  units: UnitDef[];
  stages: StageDef[];
  deliverables: DeliverableDef[];
}

export interface DefinitionIssue {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

export function formatIssue(i: DefinitionIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.field}: ${i.message}`;
}

type Path = (string | number)[];
type Json = unknown;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

function fieldName(path: Path): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '(top level)';
}

class Checker {
  readonly issues: DefinitionIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Report at the deepest existing node along `path`. */
  error(path: Path, message: string): void {
    let node: unknown = undefined;
    for (let n = path.length; n >= 0 && !node; n--) {
      const candidate = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (candidate && typeof candidate === 'object' && 'range' in candidate) node = candidate;
    }
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    this.issues.push({ file: this.file, line: pos.line, column: pos.col, field: fieldName(path), message });
  }

  obj(path: Path, value: Json, required = true): Record<string, Json> | undefined {
    if (value === undefined || value === null) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.error(path, 'must be a mapping (key: value)');
      return undefined;
    }
    return value as Record<string, Json>;
  }

  list(path: Path, value: Json, required = true): Json[] | undefined {
    if (value === undefined || value === null) {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.error(path, 'must be a list');
      return undefined;
    }
    return value;
  }

  str(path: Path, value: Json, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const { required = true } = opts;
    if (value === undefined || value === null || value === '') {
      if (required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.error(path, 'must be text');
      return undefined;
    }
    const s = String(value).trim();
    if (opts.pattern && !opts.pattern.test(s)) {
      this.error(path, `${JSON.stringify(s)} is not ${opts.what ?? 'valid'}`);
      return undefined;
    }
    return s;
  }

  id(path: Path, value: Json): string | undefined {
    return this.str(path, value, { pattern: ID_RE, what: 'an id (letters, digits, _ . -, no spaces)' });
  }

  email(path: Path, value: Json): string | undefined {
    return this.str(path, value, { pattern: EMAIL_RE, what: 'an e-mail address' });
  }

  date(path: Path, value: Json, required = true): CivilDate | undefined {
    if (value instanceof Date) value = value.toISOString().slice(0, 10);
    const s = this.str(path, value, { required });
    if (s === undefined) return undefined;
    if (!isCivilDate(s)) {
      this.error(path, `${JSON.stringify(s)} is not a date YYYY-MM-DD`);
      return undefined;
    }
    return s;
  }

  unknownKeys(path: Path, value: Record<string, Json>, allowed: string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.error([...path, key], `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }
}

function parsePolicy(c: Checker, path: Path, raw: Json, base: NoticePolicy): NoticePolicy {
  const o = c.obj(path, raw, false);
  if (!o) return base;
  c.unknownKeys(path, o, ['sendAt', 'remindBefore', 'escalate', 'returnWindowDays']);
  const policy: NoticePolicy = { ...base, escalate: { ...base.escalate }, remindBefore: [...base.remindBefore] };
  if (o.sendAt !== undefined) {
    const s = c.str([...path, 'sendAt'], o.sendAt, { pattern: HHMM_RE, what: 'a time HH:mm' });
    if (s) policy.sendAt = s;
  }
  const dayCount = (p: Path, v: Json, min: number): number | undefined => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 60) {
      c.error(p, `must be a whole number of working days from ${min} to 60, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  if (o.remindBefore !== undefined) {
    const list = c.list([...path, 'remindBefore'], o.remindBefore);
    if (list) policy.remindBefore = list.map((v, i) => dayCount([...path, 'remindBefore', i], v, 0)).filter((v): v is number => v !== undefined);
  }
  if (o.escalate !== undefined) {
    const e = c.obj([...path, 'escalate'], o.escalate);
    if (e) {
      c.unknownKeys([...path, 'escalate'], e, [...ESCALATION_LADDER]);
      for (const step of ESCALATION_LADDER) {
        if (!(step in e)) continue;
        const v = e[step];
        policy.escalate[step as EscalationStep] = v === null || v === false ? null : (dayCount([...path, 'escalate', step], v, 1) ?? base.escalate[step]);
      }
      let last = 0;
      for (const step of ESCALATION_LADDER) {
        const v = policy.escalate[step];
        if (v === null) continue;
        if (v <= last) c.error([...path, 'escalate', step], `must come after the previous step (working day ${last}), got ${v}`);
        last = v;
      }
    }
  }
  if (o.returnWindowDays !== undefined) {
    const v = o.returnWindowDays;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 366) c.error([...path, 'returnWindowDays'], 'must be a whole number of days from 0 to 366');
    else policy.returnWindowDays = v;
  }
  return policy;
}

/** Parse and validate a campaign definition. Throws DubanError('INVALID_DEFINITION') listing every issue. */
export function parseCampaignDefinition(text: string, file: string): CampaignDefinition {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return formatIssue({ file, line: pos.line, column: pos.col, field: '(yaml)', message: e.message.split('\n')[0] });
    });
    throw new DubanError('INVALID_DEFINITION', `${file} is not valid YAML`, issues);
  }
  const c = new Checker(file, doc, lines);
  const root = doc.contents && isMap(doc.contents) ? (doc.toJS() as Record<string, Json>) : undefined;
  if (!root) {
    c.error([], 'the file must be a YAML mapping with campaign, units, stages and deliverables');
    throw new DubanError('INVALID_DEFINITION', `${file} is not a campaign definition`, c.issues.map(formatIssue));
  }
  c.unknownKeys([], root, ['campaign', 'policy', 'units', 'stages', 'deliverables']);

  const campaignRaw = c.obj(['campaign'], root.campaign) ?? {};
  c.unknownKeys(['campaign'], campaignRaw, ['id', 'title', 'office', 'timeZone', 'calendar']);
  const officeRaw = c.obj(['campaign', 'office'], campaignRaw.office) ?? {};
  c.unknownKeys(['campaign', 'office'], officeRaw, ['name', 'email']);
  const timeZone = c.str(['campaign', 'timeZone'], campaignRaw.timeZone, { required: false }) ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) c.error(['campaign', 'timeZone'], `${JSON.stringify(timeZone)} is not an IANA time zone`);

  const calendarRaw = c.obj(['campaign', 'calendar'], campaignRaw.calendar, false) ?? {};
  c.unknownKeys(['campaign', 'calendar'], calendarRaw, ['holidays', 'workdays', 'years']);
  const dates = (key: 'holidays' | 'workdays') =>
    (c.list(['campaign', 'calendar', key], calendarRaw[key], false) ?? [])
      .map((v, i) => c.date(['campaign', 'calendar', key, i], v))
      .filter((v): v is CivilDate => v !== undefined);
  const holidays = dates('holidays');
  const workdays = dates('workdays');
  const years = (c.list(['campaign', 'calendar', 'years'], calendarRaw.years, false) ?? []).filter((v, i) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 2000 && v <= 2100) return true;
    c.error(['campaign', 'calendar', 'years', i], `must be a year such as 2027, got ${JSON.stringify(v)}`);
    return false;
  }) as number[];

  const policy = parsePolicy(c, ['policy'], root.policy, DEFAULT_POLICY);

  // Units
  const units: UnitDef[] = [];
  const unitIds = new Map<string, number>();
  (c.list(['units'], root.units) ?? []).forEach((raw, i) => {
    const p: Path = ['units', i];
    const u = c.obj(p, raw);
    if (!u) return;
    c.unknownKeys(p, u, ['id', 'name', 'type', 'email', 'principal', 'reportsTo']);
    const id = c.id([...p, 'id'], u.id);
    const name = c.str([...p, 'name'], u.name);
    const type = c.str([...p, 'type'], u.type);
    if (type !== undefined && !UNIT_TYPES.includes(type as UnitType))
      c.error([...p, 'type'], `unknown unit type ${JSON.stringify(type)} (expected one of: ${UNIT_TYPES.join(', ')})`);
    const email = c.email([...p, 'email'], u.email);
    const principalRaw = c.obj([...p, 'principal'], u.principal);
    if (principalRaw) c.unknownKeys([...p, 'principal'], principalRaw, ['name', 'email']);
    const principalName = principalRaw && c.str([...p, 'principal', 'name'], principalRaw.name);
    const principalEmail = principalRaw && c.email([...p, 'principal', 'email'], principalRaw.email);
    const reportsTo = (c.list([...p, 'reportsTo'], u.reportsTo, false) ?? [])
      .map((v, j) => c.id([...p, 'reportsTo', j], v))
      .filter((v): v is string => v !== undefined);
    if (id !== undefined) {
      if (unitIds.has(id)) c.error([...p, 'id'], `duplicate unit id ${JSON.stringify(id)} (first at units[${unitIds.get(id)}])`);
      else unitIds.set(id, i);
    }
    if (id && name && type && email && principalName && principalEmail)
      units.push({ id, name, type: type as UnitType, email, principal: { name: principalName, email: principalEmail }, reportsTo });
  });
  if (units.length === 0 && c.issues.length === 0) c.error(['units'], 'a campaign needs at least one unit');
  for (const [i, u] of units.entries()) {
    u.reportsTo.forEach((target, j) => {
      const t = units.find((x) => x.id === target);
      const p: Path = ['units', unitIds.get(u.id) ?? i, 'reportsTo', j];
      if (!t) c.error(p, `unknown unit ${JSON.stringify(target)}`);
      else if (t.type !== 'lead_department') c.error(p, `${JSON.stringify(target)} is a ${t.type}, not a lead_department`);
    });
  }

  // Stages
  const stages: StageDef[] = [];
  const stageIds = new Map<string, number>();
  (c.list(['stages'], root.stages) ?? []).forEach((raw, i) => {
    const p: Path = ['stages', i];
    const s = c.obj(p, raw);
    if (!s) return;
    c.unknownKeys(p, s, ['id', 'name', 'start', 'end']);
    const id = c.id([...p, 'id'], s.id);
    const name = c.str([...p, 'name'], s.name);
    const start = c.date([...p, 'start'], s.start);
    const end = c.date([...p, 'end'], s.end);
    if (start && end && end < start) c.error([...p, 'end'], `${end} is before the stage's start ${start}`);
    if (id !== undefined) {
      if (stageIds.has(id)) c.error([...p, 'id'], `duplicate stage id ${JSON.stringify(id)} (first at stages[${stageIds.get(id)}])`);
      else stageIds.set(id, i);
    }
    if (id && name && start && end) stages.push({ id, name, start, end });
  });

  if (stages.length === 0 && root.stages !== undefined && c.issues.length === 0) c.error(['stages'], 'a campaign needs at least one stage');

  // Deliverables
  const deliverables: DeliverableDef[] = [];
  const deliverableIds = new Map<string, number>();
  const ownerKnown = (v: string) => UNIT_TYPES.includes(v as UnitType) || unitIds.has(v);
  (c.list(['deliverables'], root.deliverables) ?? []).forEach((raw, i) => {
    const p: Path = ['deliverables', i];
    const d = c.obj(p, raw);
    if (!d) return;
    c.unknownKeys(p, d, ['id', 'name', 'stage', 'owedBy', 'due', 'dueFor', 'submitTo', 'policy']);
    const id = c.id([...p, 'id'], d.id);
    const name = c.str([...p, 'name'], d.name);
    const stageId = c.id([...p, 'stage'], d.stage);
    const stage = stages.find((s) => s.id === stageId);
    if (stageId && !stage && stageIds.size === stages.length) c.error([...p, 'stage'], `unknown stage ${JSON.stringify(stageId)}`);
    const owedBy = (c.list([...p, 'owedBy'], d.owedBy) ?? [])
      .map((v, j) => {
        const s = c.str([...p, 'owedBy', j], v);
        if (s !== undefined && !ownerKnown(s)) {
          c.error([...p, 'owedBy', j], `${JSON.stringify(s)} is neither a unit type (${UNIT_TYPES.join(', ')}) nor a unit id`);
          return undefined;
        }
        return s;
      })
      .filter((v): v is string => v !== undefined);
    const inStage = (path: Path, date: CivilDate | undefined) => {
      if (date && stage && (date < stage.start || date > stage.end))
        c.error(path, `deadline ${date} is outside stage ${stage.id} (${stage.start} to ${stage.end})`);
      return date;
    };
    const due = inStage([...p, 'due'], c.date([...p, 'due'], d.due, false)) ?? stage?.end;
    const dueFor: Record<string, CivilDate> = {};
    const dueForRaw = c.obj([...p, 'dueFor'], d.dueFor, false) ?? {};
    for (const [key, v] of Object.entries(dueForRaw)) {
      if (!ownerKnown(key)) c.error([...p, 'dueFor', key], `${JSON.stringify(key)} is neither a unit type nor a unit id`);
      const date = inStage([...p, 'dueFor', key], c.date([...p, 'dueFor', key], v));
      if (date) dueFor[key] = date;
    }
    const submitTo = (c.list([...p, 'submitTo'], d.submitTo, false) ?? ['office']).map((v, j) => {
      if (v !== 'office' && v !== 'lead_departments') c.error([...p, 'submitTo', j], `must be office or lead_departments, got ${JSON.stringify(v)}`);
      return v as SubmitTarget;
    });
    const dPolicy = parsePolicy(c, [...p, 'policy'], d.policy, policy);
    if (id !== undefined) {
      if (deliverableIds.has(id)) c.error([...p, 'id'], `duplicate deliverable id ${JSON.stringify(id)} (first at deliverables[${deliverableIds.get(id)}])`);
      else deliverableIds.set(id, i);
    }
    const owing = units.filter((u) => owedBy.includes(u.type) || owedBy.includes(u.id));
    if (owedBy.length > 0 && owing.length === 0) c.error([...p, 'owedBy'], `no unit of the campaign owes it (owedBy: ${owedBy.join(', ')})`);
    for (const key of Object.keys(dueFor)) {
      if (!UNIT_TYPES.includes(key as UnitType) && unitIds.has(key) && !owing.some((u) => u.id === key))
        c.error([...p, 'dueFor', key], `unit ${JSON.stringify(key)} does not owe this deliverable (see owedBy)`);
    }
    if (!submitTo.includes('office')) {
      const nowhere = owing.filter((u) => u.reportsTo.length === 0).map((u) => u.id);
      if (nowhere.length)
        c.error([...p, 'submitTo'], `units with no lead department (reportsTo) would have nowhere to submit: ${nowhere.slice(0, 5).join(', ')}${nowhere.length > 5 ? ' …' : ''}; add office`);
    }
    if (id && name && stage && due && owedBy.length > 0) deliverables.push({ id, name, stage: stage.id, owedBy, due, dueFor, submitTo, policy: dPolicy });
  });

  if (deliverables.length === 0 && root.deliverables !== undefined && c.issues.length === 0) c.error(['deliverables'], 'a campaign needs at least one deliverable');
  const office = { name: c.str(['campaign', 'office', 'name'], officeRaw.name), email: c.email(['campaign', 'office', 'email'], officeRaw.email) };
  const id = c.id(['campaign', 'id'], campaignRaw.id);
  const title = c.str(['campaign', 'title'], campaignRaw.title);
  if (c.issues.length > 0 || !id || !title || !office.name || !office.email) {
    throw new DubanError('INVALID_DEFINITION', `${file} has ${c.issues.length} problem(s); nothing was launched`, c.issues.map(formatIssue));
  }
  return {
    id,
    title,
    office: { name: office.name, email: office.email },
    timeZone,
    calendar: { holidays, workdays, years },
    policy,
    units,
    stages,
    deliverables,
  };
}

