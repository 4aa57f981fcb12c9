// The campaign definition file (YAML): parsing and validation with errors that name file, line and field.
// Pure: the caller reads the file. The format is documented in docs/campaign-format.md.
import { CST, LineCounter, Parser, type YAMLError, isMap, parseDocument, type Document } from 'yaml';
import { type CivilDate, isCivilDate } from './calendar';
import { CHANNEL_KINDS, CHANNEL_NAMES, type ChannelKind, type Webhook } from './channels';
import { DubanError } from './errors';
import { DEFAULT_HAZARD_POLICY, type HazardPolicy } from './hazard-policy';
import { DEFAULT_POLICY, ESCALATION_LADDER, type EscalationStep, type NoticePolicy, SIGN_OFF_STEPS, type SignOffStep } from './policy';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from './zoned-time';

/** 镇(街道) / 牵头部门 / 有关部门 */
export type UnitType = 'town' | 'lead_department' | 'department';
export const UNIT_TYPES: readonly UnitType[] = ['town', 'lead_department', 'department'];
/** Where a deliverable is submitted (报送): the office (市安委办) and/or the unit's lead departments. */
export type SubmitTarget = 'office' | 'lead_departments';

/** A unit's principal (主要负责人); a town answers under 党政同责 with two (党委书记 and 镇长). */
export interface Principal {
  name: string;
  /** 职务, e.g. 党委书记, 镇长; printed before the name. */
  title?: string;
  email: string;
}

export interface UnitDef {
  id: string;
  name: string;
  type: UnitType;
  email: string;
  /** The first (or only) principal. */
  principal: { name: string; email: string };
  /** Every principal, when the file lists them under `principals` (absent when it gives one `principal`). */
  principals?: Principal[];
  reportsTo: string[];
  /** The unit's group robots (政务微信/企业微信/钉钉), each also sent every letter e-mailed to the unit. */
  webhooks?: Webhook[];
}

/** Every principal of a unit: `principals` when given, else the one `principal`. */
export function principalsOf(u: Pick<UnitDef, 'principal' | 'principals'>): Principal[] {
  return u.principals && u.principals.length > 0 ? u.principals : [u.principal];
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

/** 发文字号 of the campaign's letters: `<prefix>〔<year>〕<N>号`. */
export interface DocumentNumbering {
  /** 机关代字, e.g. 雷安办 */
  prefix: string;
  /** 年份; the launch year when not given. */
  year?: number;
  /** The first number duban may give in this prefix and year (default 1): numbers below it are the office's own register. */
  from: number;
}

/** A document the campaign is based on (依据), cited as 《title》（number）. */
export interface DocumentBasis {
  title: string;
  number?: string;
}

/** Who signs (落款): the office, or the committee for the steps it signs. */
export interface Issuer {
  /** The office's name as it signs; `campaign.office.name` when not given. */
  office?: string;
  committee?: string;
  committeeSigns: EscalationStep[];
}

/** The 公文 parts of the campaign's letters; every field optional in the file. */
export interface LetterSettings {
  documents?: DocumentNumbering;
  basis: DocumentBasis[];
  /** 联系人及电话 */
  contact?: { name: string; phone: string };
  /** 抄送: printed, and e-mailed, on 通报 and 约谈. */
  cc: { name: string; email: string }[];
  issuer?: Issuer;
}

export interface CampaignDefinition {
  id: string;
  title: string;
  office: { name: string; email: string };
  /** The 公文 parts (发文字号, 依据, 联系人, 抄送, 落款); absent in definitions built before they existed. */
  letters?: LetterSettings;
  timeZone: string;
  calendar: { holidays: CivilDate[]; workdays: CivilDate[]; years: number[] };
  policy: NoticePolicy;
  /** How the campaign's hazards (隐患整改台账) are chased, per level (`hazards:`); absent: DEFAULT_HAZARD_POLICY. */
  hazards?: HazardPolicy;
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

/** `bad.yaml：第8行第11列：units[0].type：未知的单位类型“village”…` (line and column from 1). */
export function formatIssue(i: DefinitionIssue): string {
  return `${i.file}：第${i.line}行第${i.column}列：${i.field}：${i.message}`;
}

type Path = (string | number)[];
type Json = unknown;

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

function fieldName(path: Path): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || '（顶层）';
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
      if (required) this.error(path, '必须填写');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.error(path, '应为映射（键: 值）');
      return undefined;
    }
    return value as Record<string, Json>;
  }

  list(path: Path, value: Json, required = true): Json[] | undefined {
    if (value === undefined || value === null) {
      if (required) this.error(path, '必须填写');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.error(path, '应为列表');
      return undefined;
    }
    return value;
  }

  str(path: Path, value: Json, opts: { required?: boolean; pattern?: RegExp; what?: string } = {}): string | undefined {
    const { required = true } = opts;
    if (value === undefined || value === null || value === '') {
      if (required) this.error(path, '必须填写');
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.error(path, '应为文本');
      return undefined;
    }
    const s = String(value).trim();
    if (opts.pattern && !opts.pattern.test(s)) {
      this.error(path, `“${s}”不是${opts.what ?? '有效的值'}`);
      return undefined;
    }
    return s;
  }

  id(path: Path, value: Json): string | undefined {
    return this.str(path, value, { pattern: ID_RE, what: '合法的 id（字母、数字、_ . -，不含空格）' });
  }

  email(path: Path, value: Json): string | undefined {
    return this.str(path, value, { pattern: EMAIL_RE, what: '电子邮件地址' });
  }

  date(path: Path, value: Json, required = true): CivilDate | undefined {
    if (value instanceof Date) value = value.toISOString().slice(0, 10);
    const s = this.str(path, value, { required });
    if (s === undefined) return undefined;
    if (!isCivilDate(s)) {
      this.error(path, `“${s}”不是 YYYY-MM-DD 格式的日期`);
      return undefined;
    }
    return s;
  }

  unknownKeys(path: Path, value: Record<string, Json>, allowed: string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.error([...path, key], `未知字段（应为以下之一：${allowed.join('、')}）`);
    }
  }
}

function parsePolicy(c: Checker, path: Path, raw: Json, base: NoticePolicy): NoticePolicy {
  const o = c.obj(path, raw, false);
  if (!o) return base;
  c.unknownKeys(path, o, ['sendAt', 'remindBefore', 'escalate', 'returnWindowDays', 'signOff']);
  const policy: NoticePolicy = { ...base, escalate: { ...base.escalate }, remindBefore: [...base.remindBefore], ...(base.signOff ? { signOff: [...base.signOff] } : {}) };
  if (o.sendAt !== undefined) {
    const s = c.str([...path, 'sendAt'], o.sendAt, { pattern: HHMM_RE, what: 'HH:mm 格式的时间' });
    if (s) policy.sendAt = s;
  }
  const dayCount = (p: Path, v: Json, min: number): number | undefined => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 60) {
      c.error(p, `应为 ${min} 到 60 之间的整数（工作日数），实际为 ${JSON.stringify(v)}`);
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
        if (v <= last) c.error([...path, 'escalate', step], `须晚于前一级（截止后第${last}个工作日），实际为 ${v}`);
        last = v;
      }
    }
  }
  if (o.returnWindowDays !== undefined) {
    const v = o.returnWindowDays;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 366) c.error([...path, 'returnWindowDays'], '应为 0 到 366 之间的整数（天数）');
    else policy.returnWindowDays = v;
  }
  if (o.signOff !== undefined) {
    const steps = parseSignOff(c, [...path, 'signOff'], o.signOff);
    if (steps) policy.signOff = steps;
  }
  return policy;
}

/** `signOff:` — the steps whose letters wait for a leader's 签发 (null or []: none); undefined when it is wrong. */
function parseSignOff(c: Checker, path: Path, raw: Json): SignOffStep[] | undefined {
  const list = raw === null ? [] : c.list(path, raw);
  if (!list) return undefined;
  const steps = list.filter((v, i): v is SignOffStep => {
    if (SIGN_OFF_STEPS.includes(v as SignOffStep)) return true;
    c.error([...path, i], `应为 ${SIGN_OFF_STEPS.join('、')} 之一（需领导签发的步骤），实际为 ${JSON.stringify(v)}`);
    return false;
  });
  return SIGN_OFF_STEPS.filter((s) => steps.includes(s));
}

/**
 * `hazards:` — how the campaign's hazards are chased: `general` and `major` each a policy as `policy:` is (sendAt,
 * remindBefore, escalate; over the level's defaults), `acceptanceWorkingDays`, and `signOff` — which hazard letters
 * (通报, 约谈通知) wait for a leader's 签发, for both levels at once (one 通报 lists both); absent, the campaign's own
 * `policy.signOff`. 退回 does not apply to hazards, nor a level's own signOff.
 */
function parseHazardPolicy(c: Checker, raw: Json, campaignPolicy: NoticePolicy): HazardPolicy | undefined {
  const path: Path = ['hazards'];
  const o = c.obj(path, raw, false);
  if (!o) return undefined;
  c.unknownKeys(path, o, ['general', 'major', 'acceptanceWorkingDays', 'signOff']);
  const level = (key: 'general' | 'major') => {
    const p = o[key];
    const given = p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, Json>) : undefined;
    for (const k of ['signOff', 'returnWindowDays'] as const)
      if (given && k in given)
        c.error([...path, key, k], k === 'signOff' ? '隐患的签发对一般和重大隐患一并设置：请写在 hazards.signOff，不能按等级设置' : '隐患没有退回修改，不能设置 returnWindowDays');
    return parsePolicy(c, [...path, key], p, DEFAULT_HAZARD_POLICY[key]);
  };
  const signOff = o.signOff === undefined ? [...(campaignPolicy.signOff ?? [])] : parseSignOff(c, [...path, 'signOff'], o.signOff);
  const policy: HazardPolicy = {
    general: level('general'),
    major: level('major'),
    acceptanceWorkingDays: DEFAULT_HAZARD_POLICY.acceptanceWorkingDays,
    ...(signOff ? { signOff } : {}),
  };
  const days = o.acceptanceWorkingDays;
  if (days !== undefined) {
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 60)
      c.error([...path, 'acceptanceWorkingDays'], `应为 1 到 60 之间的整数（报告整改完成后几个工作日内验收），实际为 ${JSON.stringify(days)}`);
    else policy.acceptanceWorkingDays = days;
  }
  return policy;
}

/** Parse and validate a campaign definition. Throws DubanError('INVALID_DEFINITION') listing every issue. */
export function parseCampaignDefinition(text: string, file: string): CampaignDefinition {
  const { doc, lines } = parseYaml(text, file);
  const c = new Checker(file, doc, lines);
  const root = topLevel(c, doc, file);
  const header = campaignHeader(c, root.campaign);
  const policy = parsePolicy(c, ['policy'], root.policy, DEFAULT_POLICY);
  const hazards = parseHazardPolicy(c, root.hazards, policy);
  const units = parseUnits(c, root.units);
  const stages = parseStages(c, root.stages);
  const deliverables = parseDeliverables(c, root.deliverables, { ...units, ...stages, policy });
  return definition(c, file, header, { policy, ...(hazards ? { hazards } : {}), units: units.units, stages: stages.stages, deliverables });
}

// ── YAML ──────────────────────────────────────────────────────────────────────────────────────

function parseYaml(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => formatIssue(yamlIssue(text, file, lines, e)));
    throw new DubanError('INVALID_DEFINITION', `${file} 不是有效的 YAML 文件`, issues);
  }
  return { doc, lines };
}

function yamlIssue(text: string, file: string, lines: LineCounter, e: YAMLError): DefinitionIssue {
  const unclosed = unclosedQuote(text, e);
  const pos = lines.linePos(unclosed?.offset ?? e.pos[0]);
  const message = unclosed ? `从此处开始的带引号字符串没有结束（缺少结尾的 ${unclosed.quote}）` : yamlMessage(e.message.split('\n')[0]);
  return { file, line: pos.line, column: pos.col, field: '(yaml)', message };
}

/** The yaml package's messages an operator is most likely to meet, in words; any other is shown as it is. */
const YAML_MESSAGES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Map keys must be unique/, () => '同一映射中的键重复（键必须唯一）'],
  [/^Comments must be separated from other tokens by white space/, () => '注释符号 # 前须有空格'],
  [/^Tabs are not allowed as indentation/, () => '不能用制表符（Tab）缩进'],
  [/^All sequence items must start at the same column/, () => '列表各项必须从同一列开始'],
  [/^All mapping items must start at the same column/, () => '映射各项必须从同一列开始'],
  [/^Implicit map keys need to be followed by map values/, () => '键后缺少冒号和值'],
  [/^Implicit keys (of flow sequence pairs )?need to be on a single line/, () => '键必须写在一行之内'],
  [/^Missing , or : between/, () => '缺少逗号或冒号'],
  [/^Missing , between/, () => '缺少逗号'],
  [/^Missing space after :/, () => '冒号后缺少空格'],
  [/^Sequence item without - indicator/, () => '列表项缺少“- ”'],
  [/^Nested mappings are not allowed in compact mappings/, () => '一行写成的映射中不能再嵌套映射'],
  [/^Plain value cannot start with (.+)/, (m) => `不加引号的值不能以 ${m[1]} 开头（请加引号）`],
  [/^Source contains multiple documents/, () => '文件只能包含一个 YAML 文档'],
];

function yamlMessage(message: string): string {
  for (const [re, words] of YAML_MESSAGES) {
    const m = re.exec(message);
    if (m) return words(m);
  }
  return `YAML 语法错误：${message}`;
}

const MISSING_QUOTE_RE = /^Missing closing (["'])quote/;

/**
 * yaml reports a missing closing quote where the string's token ends, which is often the end of the
 * file: find the quoted scalar ending there, and so the offset of its opening quote.
 */
function unclosedQuote(text: string, e: YAMLError): { offset: number; quote: string } | undefined {
  const quote = e.code === 'MISSING_CHAR' ? MISSING_QUOTE_RE.exec(e.message)?.[1] : undefined;
  if (!quote) return undefined;
  const type = quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar';
  let offset: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    CST.visit(token, ({ key, value }) => {
      for (const t of [key, value]) if (t?.type === type && t.offset + t.source.length === e.pos[0]) offset = t.offset;
    });
  }
  return offset === undefined ? undefined : { offset, quote };
}

// ── The file's parts, in the order their issues are listed ────────────────────────────────────

function topLevel(c: Checker, doc: Document, file: string): Record<string, Json> {
  const root = doc.contents && isMap(doc.contents) ? (doc.toJS() as Record<string, Json>) : undefined;
  if (!root) {
    c.error([], '文件应为包含 campaign、units、stages 和 deliverables 的 YAML 映射');
    throw new DubanError('INVALID_DEFINITION', `${file} 不是专项行动定义文件`, c.issues.map(formatIssue));
  }
  c.unknownKeys([], root, ['campaign', 'policy', 'hazards', 'units', 'stages', 'deliverables']);
  return root;
}

interface CampaignHeader {
  campaign: Record<string, Json>;
  office: Record<string, Json>;
  timeZone: string;
  calendar: CampaignDefinition['calendar'];
  letters: LetterSettings;
}

function campaignHeader(c: Checker, raw: Json): CampaignHeader {
  const campaign = c.obj(['campaign'], raw) ?? {};
  c.unknownKeys(['campaign'], campaign, ['id', 'title', 'office', 'timeZone', 'calendar', 'documents', 'basis', 'contact', 'cc', 'issuer']);
  const office = c.obj(['campaign', 'office'], campaign.office) ?? {};
  c.unknownKeys(['campaign', 'office'], office, ['name', 'email']);
  const timeZone = c.str(['campaign', 'timeZone'], campaign.timeZone, { required: false }) ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) c.error(['campaign', 'timeZone'], `“${timeZone}”不是 IANA 时区（例如 Asia/Shanghai）`);
  return { campaign, office, timeZone, calendar: campaignCalendar(c, campaign.calendar), letters: letterSettings(c, campaign) };
}

const STEP_NAMES = ESCALATION_LADDER.join('、');

function letterSettings(c: Checker, campaign: Record<string, Json>): LetterSettings {
  const p: Path = ['campaign'];
  const letters: LetterSettings = { basis: [], cc: [] };
  const documents = c.obj([...p, 'documents'], campaign.documents, false);
  if (documents) {
    c.unknownKeys([...p, 'documents'], documents, ['prefix', 'year', 'from']);
    const prefix = c.str([...p, 'documents', 'prefix'], documents.prefix);
    if (prefix && /[〔〕\s]|号$/.test(prefix)) c.error([...p, 'documents', 'prefix'], `机关代字“${prefix}”不应含〔〕、空格或“号”（例如 雷安办）`);
    let year: number | undefined;
    if (documents.year !== undefined) {
      if (typeof documents.year === 'number' && Number.isInteger(documents.year) && documents.year >= 2000 && documents.year <= 2100) year = documents.year;
      else c.error([...p, 'documents', 'year'], `应为年份（例如 2022），实际为 ${JSON.stringify(documents.year)}`);
    }
    let from = 1;
    if (documents.from !== undefined) {
      if (typeof documents.from === 'number' && Number.isInteger(documents.from) && documents.from >= 1 && documents.from <= 99999) from = documents.from;
      else c.error([...p, 'documents', 'from'], `应为 1 到 99999 之间的整数，实际为 ${JSON.stringify(documents.from)}`);
    }
    if (prefix) letters.documents = { prefix, year, from };
  }
  const basisRaw = campaign.basis;
  const basisList = Array.isArray(basisRaw) ? basisRaw : basisRaw === undefined || basisRaw === null ? [] : [basisRaw];
  basisList.forEach((b, i) => {
    const bp: Path = Array.isArray(basisRaw) ? [...p, 'basis', i] : [...p, 'basis'];
    const o = c.obj(bp, b);
    if (!o) return;
    c.unknownKeys(bp, o, ['title', 'number']);
    const title = c.str([...bp, 'title'], o.title);
    if (title && /^《|》$/.test(title)) c.error([...bp, 'title'], '文件名称不需加书名号《》');
    const number = c.str([...bp, 'number'], o.number, { required: false });
    if (title) letters.basis.push(number ? { title, number } : { title });
  });
  const contact = c.obj([...p, 'contact'], campaign.contact, false);
  if (contact) {
    c.unknownKeys([...p, 'contact'], contact, ['name', 'phone']);
    const name = c.str([...p, 'contact', 'name'], contact.name);
    const phone = c.str([...p, 'contact', 'phone'], contact.phone);
    if (name && phone) letters.contact = { name, phone };
  }
  (c.list([...p, 'cc'], campaign.cc, false) ?? []).forEach((v, i) => {
    const o = c.obj([...p, 'cc', i], v);
    if (!o) return;
    c.unknownKeys([...p, 'cc', i], o, ['name', 'email']);
    const name = c.str([...p, 'cc', i, 'name'], o.name);
    const email = c.email([...p, 'cc', i, 'email'], o.email);
    if (name && email) letters.cc.push({ name, email });
  });
  const issuer = c.obj([...p, 'issuer'], campaign.issuer, false);
  if (issuer) {
    c.unknownKeys([...p, 'issuer'], issuer, ['office', 'committee', 'committeeSigns']);
    const office = c.str([...p, 'issuer', 'office'], issuer.office, { required: false });
    const committee = c.str([...p, 'issuer', 'committee'], issuer.committee, { required: false });
    const signs = (c.list([...p, 'issuer', 'committeeSigns'], issuer.committeeSigns, false) ?? []).filter((v, i): v is EscalationStep => {
      if (typeof v === 'string' && (ESCALATION_LADDER as readonly string[]).includes(v)) return true;
      c.error([...p, 'issuer', 'committeeSigns', i], `应为 ${STEP_NAMES} 之一，实际为 ${JSON.stringify(v)}`);
      return false;
    });
    if (signs.length > 0 && !committee) c.error([...p, 'issuer', 'committeeSigns'], '列出了由委员会署名的步骤，但没有填写 committee（委员会名称）');
    const committeeSigns = issuer.committeeSigns === undefined && committee ? (['circulate', 'interview'] as EscalationStep[]) : signs;
    letters.issuer = { ...(office ? { office } : {}), ...(committee ? { committee, committeeSigns } : { committeeSigns: [] }) };
  }
  return letters;
}

function campaignCalendar(c: Checker, raw: Json): CampaignDefinition['calendar'] {
  const calendar = c.obj(['campaign', 'calendar'], raw, false) ?? {};
  c.unknownKeys(['campaign', 'calendar'], calendar, ['holidays', 'workdays', 'years']);
  const dates = (key: 'holidays' | 'workdays') =>
    (c.list(['campaign', 'calendar', key], calendar[key], false) ?? [])
      .map((v, i) => c.date(['campaign', 'calendar', key, i], v))
      .filter((v): v is CivilDate => v !== undefined);
  const holidays = dates('holidays');
  const workdays = dates('workdays');
  const years = (c.list(['campaign', 'calendar', 'years'], calendar.years, false) ?? []).filter((v, i) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 2000 && v <= 2100) return true;
    c.error(['campaign', 'calendar', 'years', i], `应为年份（例如 2027），实际为 ${JSON.stringify(v)}`);
    return false;
  }) as number[];
  return { holidays, workdays, years };
}

interface Units {
  units: UnitDef[];
  /** Every unit id given, valid unit or not, with the index of its first unit. */
  unitIds: Map<string, number>;
}

function parseUnits(c: Checker, raw: Json): Units {
  const found: Units = { units: [], unitIds: new Map() };
  (c.list(['units'], raw) ?? []).forEach((u, i) => parseUnit(c, u, i, found));
  if (found.units.length === 0 && c.issues.length === 0) c.error(['units'], '专项行动至少需要一个单位');
  checkReportsTo(c, found);
  return found;
}

function parseUnit(c: Checker, raw: Json, i: number, { units, unitIds }: Units): void {
  const p: Path = ['units', i];
  const u = c.obj(p, raw);
  if (!u) return;
  c.unknownKeys(p, u, ['id', 'name', 'type', 'email', 'principal', 'principals', 'reportsTo', 'webhooks']);
  const id = c.id([...p, 'id'], u.id);
  const name = c.str([...p, 'name'], u.name);
  const type = c.str([...p, 'type'], u.type);
  if (type !== undefined && !UNIT_TYPES.includes(type as UnitType))
    c.error([...p, 'type'], `未知的单位类型“${type}”（应为 ${UNIT_TYPES.join('、')} 之一）`);
  const email = c.email([...p, 'email'], u.email);
  const principals = parsePrincipals(c, p, u);
  const principalName = principals?.[0]?.name;
  const principalEmail = principals?.[0]?.email;
  const reportsTo = (c.list([...p, 'reportsTo'], u.reportsTo, false) ?? [])
    .map((v, j) => c.id([...p, 'reportsTo', j], v))
    .filter((v): v is string => v !== undefined);
  const webhooks = parseWebhooks(c, p, u.webhooks);
  if (id !== undefined) {
    if (unitIds.has(id)) c.error([...p, 'id'], `单位 id “${id}”重复（第一次出现在 units[${unitIds.get(id)}]）`);
    else unitIds.set(id, i);
  }
  if (id && name && type && email && principalName && principalEmail) {
    const unit: UnitDef = { id, name, type: type as UnitType, email, principal: { name: principalName, email: principalEmail }, reportsTo };
    if (u.principals !== undefined) unit.principals = principals;
    if (webhooks && webhooks.length > 0) unit.webhooks = webhooks;
    units.push(unit);
  }
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
/** The query parameter that carries the robot's credential in its webhook address. */
const WEBHOOK_KEY: Record<ChannelKind, string> = { wecom: 'key', govwechat: 'key', dingtalk: 'access_token' };

/** A unit's group robots: `webhooks: [{kind, url, secret?}]`, each checked where it stands. */
function parseWebhooks(c: Checker, p: Path, raw: Json): Webhook[] | undefined {
  const list = c.list([...p, 'webhooks'], raw, false);
  if (!list) return undefined;
  const seen = new Map<string, number>();
  const out: Webhook[] = [];
  list.forEach((v, j) => {
    const path = [...p, 'webhooks', j];
    const o = c.obj(path, v);
    if (!o) return;
    c.unknownKeys(path, o, ['kind', 'url', 'secret']);
    const kind = c.str([...path, 'kind'], o.kind);
    if (kind !== undefined && !CHANNEL_KINDS.includes(kind as ChannelKind)) {
      c.error([...path, 'kind'], `未知的群机器人类型“${kind}”（应为 ${CHANNEL_KINDS.map((k) => `${k}（${CHANNEL_NAMES[k]}）`).join('、')} 之一）`);
      return;
    }
    const url = c.str([...path, 'url'], o.url);
    const secret = c.str([...path, 'secret'], o.secret, { required: false });
    if (!kind || !url) return;
    const k = kind as ChannelKind;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      c.error([...path, 'url'], `“${url}”不是群机器人的 Webhook 地址（应以 https:// 开头）`);
      return;
    }
    if (parsed.protocol === 'http:' && !LOOPBACK_HOST.test(parsed.hostname)) {
      c.error([...path, 'url'], `Webhook 地址须使用 https://（http:// 只可用于本机测试），实际为“${url}”`);
      return;
    }
    if (!parsed.searchParams.get(WEBHOOK_KEY[k])) {
      c.error([...path, 'url'], `${CHANNEL_NAMES[k]}群机器人的 Webhook 地址应带 ${WEBHOOK_KEY[k]}=… 参数（从群机器人设置中复制完整地址）`);
      return;
    }
    if (secret !== undefined && k !== 'dingtalk') {
      c.error([...path, 'secret'], `只有钉钉群机器人有加签密钥（secret），${CHANNEL_NAMES[k]}群机器人不填`);
      return;
    }
    if (secret !== undefined && !/^SEC[0-9A-Za-z]+$/.test(secret)) {
      c.error([...path, 'secret'], '钉钉加签密钥应以 SEC 开头（从群机器人“加签”设置中复制）');
      return;
    }
    if (seen.has(url)) {
      c.error([...path, 'url'], `Webhook 地址重复（第一次出现在 webhooks[${seen.get(url)}]）`);
      return;
    }
    seen.set(url, j);
    out.push(secret ? { kind: k, url, secret } : { kind: k, url });
  });
  return out;
}

/** `principal` (one) or `principals` (a list, e.g. 党委书记 and 镇长): exactly one of the two; undefined when invalid. */
function parsePrincipals(c: Checker, p: Path, u: Record<string, Json>): Principal[] | undefined {
  if (u.principal !== undefined && u.principals !== undefined) {
    c.error([...p, 'principals'], '只能填写 principal（一位主要负责人）或 principals（多位）之一');
    return undefined;
  }
  const one = (path: Path, raw: Json, titled: boolean): Principal | undefined => {
    const o = c.obj(path, raw);
    if (!o) return undefined;
    c.unknownKeys(path, o, titled ? ['name', 'title', 'email'] : ['name', 'email']);
    const name = c.str([...path, 'name'], o.name);
    const title = titled ? c.str([...path, 'title'], o.title, { required: false }) : undefined;
    const email = c.email([...path, 'email'], o.email);
    if (!name || !email) return undefined;
    return title ? { name, title, email } : { name, email };
  };
  if (u.principals === undefined) {
    const single = one([...p, 'principal'], u.principal, false);
    return single && [single];
  }
  const list = c.list([...p, 'principals'], u.principals);
  if (!list) return undefined;
  if (list.length === 0) {
    c.error([...p, 'principals'], '至少需要一位主要负责人');
    return undefined;
  }
  const parsed = list.map((v, j) => one([...p, 'principals', j], v, true));
  return parsed.every((x) => x !== undefined) ? (parsed as Principal[]) : undefined;
}

function checkReportsTo(c: Checker, { units, unitIds }: Units): void {
  const byId = new Map<string, UnitDef>(); // the first unit of each id, as units.find would give
  for (const u of units) if (!byId.has(u.id)) byId.set(u.id, u);
  for (const [i, u] of units.entries()) {
    u.reportsTo.forEach((target, j) => {
      const t = byId.get(target);
      const p: Path = ['units', unitIds.get(u.id) ?? i, 'reportsTo', j];
      if (!t) c.error(p, `未知单位“${target}”`);
      else if (t.type !== 'lead_department') c.error(p, `“${target}”是 ${t.type}，不是 lead_department（牵头部门）`);
    });
  }
}

interface Stages {
  stages: StageDef[];
  /** Every stage id given, valid stage or not, with the index of its first stage. */
  stageIds: Map<string, number>;
}

function parseStages(c: Checker, raw: Json): Stages {
  const found: Stages = { stages: [], stageIds: new Map() };
  (c.list(['stages'], raw) ?? []).forEach((s, i) => parseStage(c, s, i, found));
  if (found.stages.length === 0 && raw !== undefined && c.issues.length === 0) c.error(['stages'], '专项行动至少需要一个阶段');
  return found;
}

function parseStage(c: Checker, raw: Json, i: number, { stages, stageIds }: Stages): void {
  const p: Path = ['stages', i];
  const s = c.obj(p, raw);
  if (!s) return;
  c.unknownKeys(p, s, ['id', 'name', 'start', 'end']);
  const id = c.id([...p, 'id'], s.id);
  const name = c.str([...p, 'name'], s.name);
  const start = c.date([...p, 'start'], s.start);
  const end = c.date([...p, 'end'], s.end);
  if (start && end && end < start) c.error([...p, 'end'], `结束日期 ${end} 早于本阶段的开始日期 ${start}`);
  if (id !== undefined) {
    if (stageIds.has(id)) c.error([...p, 'id'], `阶段 id “${id}”重复（第一次出现在 stages[${stageIds.get(id)}]）`);
    else stageIds.set(id, i);
  }
  if (id && name && start && end) stages.push({ id, name, start, end });
}

/** What a deliverable is checked against. */
interface DeliverableContext extends Units, Stages {
  policy: NoticePolicy;
}

function parseDeliverables(c: Checker, raw: Json, ctx: DeliverableContext): DeliverableDef[] {
  const deliverables: DeliverableDef[] = [];
  const deliverableIds = new Map<string, number>();
  (c.list(['deliverables'], raw) ?? []).forEach((d, i) => {
    const parsed = parseDeliverable(c, d, i, ctx, deliverableIds);
    if (parsed) deliverables.push(parsed);
  });
  if (deliverables.length === 0 && raw !== undefined && c.issues.length === 0) c.error(['deliverables'], '专项行动至少需要一个报送事项');
  return deliverables;
}

function parseDeliverable(c: Checker, raw: Json, i: number, ctx: DeliverableContext, deliverableIds: Map<string, number>): DeliverableDef | undefined {
  const p: Path = ['deliverables', i];
  const d = c.obj(p, raw);
  if (!d) return undefined;
  c.unknownKeys(p, d, ['id', 'name', 'stage', 'owedBy', 'due', 'dueFor', 'submitTo', 'policy']);
  const id = c.id([...p, 'id'], d.id);
  const name = c.str([...p, 'name'], d.name);
  const stageId = c.id([...p, 'stage'], d.stage);
  const stage = ctx.stages.find((s) => s.id === stageId);
  if (stageId && !stage && ctx.stageIds.size === ctx.stages.length) c.error([...p, 'stage'], `未知阶段“${stageId}”`);
  const owedBy = parseOwedBy(c, p, d.owedBy, ctx);
  const { due, dueFor } = parseDeadlines(c, p, d, stage, ctx);
  const submitTo = (c.list([...p, 'submitTo'], d.submitTo, false) ?? ['office']).map((v, j) => {
    if (v !== 'office' && v !== 'lead_departments') c.error([...p, 'submitTo', j], `应为 office 或 lead_departments，实际为 ${JSON.stringify(v)}`);
    return v as SubmitTarget;
  });
  const policy = parsePolicy(c, [...p, 'policy'], d.policy, ctx.policy);
  if (id !== undefined) {
    if (deliverableIds.has(id)) c.error([...p, 'id'], `报送事项 id “${id}”重复（第一次出现在 deliverables[${deliverableIds.get(id)}]）`);
    else deliverableIds.set(id, i);
  }
  checkOwing(c, p, { owedBy, dueFor, submitTo }, ctx);
  if (id && name && stage && due && owedBy.length > 0) return { id, name, stage: stage.id, owedBy, due, dueFor, submitTo, policy };
  return undefined;
}

const ownerKnown = (v: string, { unitIds }: Units) => UNIT_TYPES.includes(v as UnitType) || unitIds.has(v);

function parseOwedBy(c: Checker, p: Path, raw: Json, units: Units): string[] {
  return (c.list([...p, 'owedBy'], raw) ?? [])
    .map((v, j) => {
      const s = c.str([...p, 'owedBy', j], v);
      if (s !== undefined && !ownerKnown(s, units)) {
        c.error([...p, 'owedBy', j], `“${s}”既不是单位类型（${UNIT_TYPES.join('、')}），也不是单位 id`);
        return undefined;
      }
      return s;
    })
    .filter((v): v is string => v !== undefined);
}

function parseDeadlines(
  c: Checker,
  p: Path,
  d: Record<string, Json>,
  stage: StageDef | undefined,
  units: Units,
): { due: CivilDate | undefined; dueFor: Record<string, CivilDate> } {
  const inStage = (path: Path, date: CivilDate | undefined) => {
    if (date && stage && (date < stage.start || date > stage.end))
      c.error(path, `截止日期 ${date} 不在阶段 ${stage.id}（${stage.start} 至 ${stage.end}）之内`);
    return date;
  };
  const due = inStage([...p, 'due'], c.date([...p, 'due'], d.due, false)) ?? stage?.end;
  const dueFor: Record<string, CivilDate> = {};
  const dueForRaw = c.obj([...p, 'dueFor'], d.dueFor, false) ?? {};
  for (const [key, v] of Object.entries(dueForRaw)) {
    if (!ownerKnown(key, units)) c.error([...p, 'dueFor', key], `“${key}”既不是单位类型，也不是单位 id`);
    const date = inStage([...p, 'dueFor', key], c.date([...p, 'dueFor', key], v));
    if (date) dueFor[key] = date;
  }
  return { due, dueFor };
}

/** The units that owe a deliverable: someone must, dueFor may name only them, and each must have somewhere to submit. */
function checkOwing(c: Checker, p: Path, d: Pick<DeliverableDef, 'owedBy' | 'dueFor' | 'submitTo'>, { units, unitIds }: Units): void {
  const owedBy = new Set(d.owedBy);
  const owing = units.filter((u) => owedBy.has(u.type) || owedBy.has(u.id));
  if (d.owedBy.length > 0 && owing.length === 0) c.error([...p, 'owedBy'], `专项行动中没有单位需要报送此事项（owedBy：${d.owedBy.join('、')}）`);
  const owingIds = new Set(owing.map((u) => u.id));
  for (const key of Object.keys(d.dueFor)) {
    if (!UNIT_TYPES.includes(key as UnitType) && unitIds.has(key) && !owingIds.has(key))
      c.error([...p, 'dueFor', key], `单位“${key}”不需要报送此事项（见 owedBy）`);
  }
  if (!d.submitTo.includes('office')) {
    const nowhere = owing.filter((u) => u.reportsTo.length === 0).map((u) => u.id);
    if (nowhere.length)
      c.error([...p, 'submitTo'], `没有牵头部门（reportsTo）的单位将无处报送：${nowhere.slice(0, 5).join('、')}${nowhere.length > 5 ? ' …' : ''}；请加上 office`);
  }
}

/** The campaign's identity is checked last, so its issues follow those of the deliverables. */
function definition(
  c: Checker,
  file: string,
  header: CampaignHeader,
  parts: Pick<CampaignDefinition, 'policy' | 'hazards' | 'units' | 'stages' | 'deliverables'>,
): CampaignDefinition {
  const officeName = c.str(['campaign', 'office', 'name'], header.office.name);
  const officeEmail = c.email(['campaign', 'office', 'email'], header.office.email);
  const id = c.id(['campaign', 'id'], header.campaign.id);
  const title = c.str(['campaign', 'title'], header.campaign.title);
  if (c.issues.length > 0 || !id || !title || !officeName || !officeEmail) {
    throw new DubanError('INVALID_DEFINITION', `${file} 有 ${c.issues.length} 处问题；未启动任何内容`, c.issues.map(formatIssue));
  }
  return {
    id,
    title,
    office: { name: officeName, email: officeEmail },
    letters: header.letters,
    timeZone: header.timeZone,
    calendar: header.calendar,
    ...parts,
  };
}
