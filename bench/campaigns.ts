// Generating benchmark campaigns: lead departments, departments reporting to them and towns, all owing
// one deliverable in one stage; each definition file is written, parsed and compiled as a launch would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readDefinitionFile } from '../operations/definition-file';
import { compileCampaign } from '../domain/compile';
import { parseInstant } from '../domain/zoned-time';

export const ZONE = 'Asia/Shanghai';
// 23.5 hours before the next reminders (10-11 09:00, for the departments due 10-11 and everyone due 10-12): every
// obligation's workflow is due to start at launch (a day before its first notice), as the launch benchmarks measure.
export const LAUNCH_AT = '2022-10-10T09:30:00+08:00';
export const DELIVERABLE = 'assessment-report';

export interface Shape {
  leads: number;
  departments: number;
  towns: number;
}

export interface Generated {
  id: string;
  file: string;
  unitIds: string[];
  parseMs: number;
  compileMs: number;
  bytes: number;
}

/** Writes campaign `id` of this shape into `dir`; throws unless it parses and compiles cleanly to one obligation per unit. */
export function generate(dir: string, id: string, shape: Shape): Generated {
  return writeAndCompile(dir, id, campaignYaml(id, shape), unitCount(shape), at(LAUNCH_AT));
}

/** When the one reminder of a burst campaign goes out: `sendAt` on `date` in `timeZone`. */
export interface BurstTiming {
  /** YYYY-MM-DD: the deadline, and the day of the reminder (made a working day by the campaign's calendar). */
  date: string;
  /** HH:mm */
  sendAt: string;
  timeZone: string;
}

export const BURST_DELIVERABLE = 'burst-report';

/**
 * Writes a campaign of `units` units (the mix of launch-5000: a few lead departments, four fifths
 * departments reporting to them, the rest towns) owing one deliverable due on `t.date`, with one
 * reminder only — on the deadline day at `t.sendAt` — and no escalation. The campaign's own calendar
 * makes the day a working day whatever the State Council calendar says, and vouches for its years.
 */
export function generateBurst(dir: string, id: string, units: number, t: BurstTiming, launchAt: number): Generated {
  const leads = Math.max(1, Math.round(units / 250));
  const towns = Math.round(units * 0.196);
  const shape = { leads, towns, departments: units - leads - towns };
  if (shape.departments < 0 || units < 2) throw new Error(`a burst campaign needs at least 2 units, got ${units}`);
  const domain = `${id}.example`;
  const years = [...new Set([t.date, addDaysIso(t.date, 15)].map((d) => Number(d.slice(0, 4))))];
  const text = [
    ...headerYaml(id, shape, domain, t.timeZone, [
      '  calendar:',
      `    workdays: [${t.date}]`,
      `    years: [${years.join(', ')}]`,
    ]),
    ...unitsYaml(shape, domain),
    '',
    ...burstYaml(t),
  ].join('\n');
  return writeAndCompile(dir, id, text, units, launchAt);
}

function addDaysIso(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function burstYaml(t: BurstTiming): string[] {
  return [
    'stages:',
    '  - id: burst',
    '    name: 集中提醒',
    `    start: ${t.date}`,
    `    end: ${t.date}`,
    '',
    'deliverables:',
    `  - id: ${BURST_DELIVERABLE}`,
    '    name: 集中报送材料',
    '    stage: burst',
    '    owedBy: [town, lead_department, department]',
    `    due: ${t.date}`,
    '    submitTo: [office, lead_departments]',
    '    policy:',
    `      sendAt: "${t.sendAt}"`,
    '      remindBefore: [0]',
    '      escalate: { urge: null, notice: null, circulate: null, interview: null }',
    '',
  ];
}

function unitCount(shape: Shape): number {
  return shape.leads + shape.departments + shape.towns;
}

function writeAndCompile(dir: string, id: string, text: string, expected: number, launchAt: number): Generated {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, text);
  let t = performance.now();
  const { def } = readDefinitionFile(file); // throws a DubanError listing every problem
  const parseMs = performance.now() - t;
  t = performance.now();
  const compiled = compileCampaign(def, launchAt);
  const compileMs = performance.now() - t;
  if (def.units.length !== expected || compiled.obligations.length !== expected) {
    throw new Error(`${file}: expected ${expected} units and obligations, got ${def.units.length} / ${compiled.obligations.length}`);
  }
  if (compiled.warnings.length) throw new Error(`${file}: unexpected warnings: ${compiled.warnings.join('; ')}`);
  return { id, file, unitIds: def.units.map((u) => u.id), parseMs, compileMs, bytes: Buffer.byteLength(text) };
}

/** An instant in the benchmark campaigns' time zone, as epoch milliseconds. */
export function at(iso: string): number {
  const t = parseInstant(iso, ZONE);
  if (t === undefined) throw new Error(`bad instant ${iso}`);
  return t;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function campaignYaml(id: string, shape: Shape): string {
  const domain = `${id}.example`;
  return [...headerYaml(id, shape, domain), ...unitsYaml(shape, domain), ...stageAndDeliverableYaml()].join('\n');
}

function headerYaml(id: string, shape: Shape, domain: string, zone = ZONE, calendar: string[] = []): string[] {
  return [
    `# Generated by bench/campaigns.ts: ${shape.leads} lead departments, ${shape.departments} departments, ${shape.towns} towns.`,
    'campaign:',
    `  id: ${id}`,
    `  title: 基准测试专项督办 ${id}`,
    '  office:',
    '    name: 基准市安全生产委员会办公室',
    `    email: anweiban@${domain}`,
    `  timeZone: ${zone}`,
    ...calendar,
    '',
    'units:',
  ];
}

/** Lead departments first, then departments reporting to them in turn, then towns. */
function unitsYaml(shape: Shape, domain: string): string[] {
  const out: string[] = [];
  const leadIds: string[] = [];
  for (let i = 1; i <= shape.leads; i++) {
    const uid = `lead-${pad(i, 3)}`;
    leadIds.push(uid);
    out.push(...unitYaml(domain, uid, `牵头部门${pad(i, 3)}`, 'lead_department'));
  }
  for (let i = 1; i <= shape.departments; i++) {
    const uid = `dept-${pad(i, 5)}`;
    out.push(...unitYaml(domain, uid, `部门${pad(i, 5)}`, 'department', leadIds[(i - 1) % leadIds.length]));
  }
  for (let i = 1; i <= shape.towns; i++) {
    const uid = `town-${pad(i, 4)}`;
    out.push(...unitYaml(domain, uid, `乡镇${pad(i, 4)}`, 'town'));
  }
  return out;
}

function unitYaml(domain: string, uid: string, name: string, type: string, reportsTo?: string): string[] {
  const out = [
    `  - id: ${uid}`,
    `    name: ${name}`,
    `    type: ${type}`,
    `    email: ${uid}@${domain}`,
    `    principal: { name: ${name}主要负责人, email: ${uid}.head@${domain} }`,
  ];
  if (reportsTo) out.push(`    reportsTo: [${reportsTo}]`);
  return out;
}

function stageAndDeliverableYaml(): string[] {
  return [
    '',
    'stages:',
    '  - id: assessment',
    '    name: 总结评估',
    '    start: 2022-10-08',
    '    end: 2022-10-12',
    '',
    'deliverables:',
    `  - id: ${DELIVERABLE}`,
    '    name: 总结评估报告',
    '    stage: assessment',
    '    owedBy: [town, lead_department, department]',
    '    due: 2022-10-12',
    '    dueFor:',
    '      department: 2022-10-11',
    '    submitTo: [office, lead_departments]',
    '',
  ];
}
