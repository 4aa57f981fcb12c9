// docx: what a letter's .docx attachment costs. The letters are the examples' (雷州 and 洮南), every unit's letter of
// every step of the ladder as renderNotice words it, a third of them as rehearsals; each is written by
// officialLetterDocx (letters/docx.ts, the XML written directly) and, as the peer in the same run, by the docx
// package (letters/docx-package.ts, the reference it reproduces), in alternating rounds. Timings are reported,
// never judged; the checks (every .docx of ours unzips with its CRCs right and says the letter's title) decide.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type CampaignDefinition, parseCampaignDefinition, principalsOf } from '../domain/definition';
import { ESCALATION_LADDER, type NoticeAction } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { officialLetterDocx } from '../letters/docx';
import { officialLetterDocxWithPackage } from '../letters/docx-package';
import { type OfficialLetter, formatDocumentNumber } from '../letters/official';
import { renderNotice } from '../letters/render';
import { unzip } from '../letters/zip';
import { campaignLetters } from '../store/campaigns';
import { type Options, UsageError } from './scenario';

const DEFAULT_ROUNDS = 10;

export const DOCX_USAGE = [
  '  docx [ROUNDS] a letter\'s .docx attachment: ms per letter for officialLetterDocx against the docx package',
  '                building the same letters, over the examples\' letters of every step (a third as',
  `                rehearsals), in ROUNDS alternating rounds (default ${DEFAULT_ROUNDS})`,
];

const ZONE = 'Asia/Shanghai';
const ACTIONS: NoticeAction[] = ['reminder', ...ESCALATION_LADDER];

/** Every unit's letter of every step, as sendNotice would word it (the facts as tests/letters.test.ts gathers them). */
export function lettersOf(def: CampaignDefinition): OfficialLetter[] {
  const launch = parseInstant(`${def.stages[0].start}T09:00:00`, ZONE)!;
  const l = campaignLetters(def, launch);
  const d = def.deliverables[0];
  const out: OfficialLetter[] = [];
  for (const unit of def.units) {
    for (const action of ACTIONS) {
      const steps = ESCALATION_LADDER.filter((s) => d.policy.escalate[s] !== null);
      if (action !== 'reminder' && !steps.includes(action)) continue;
      const rendered = renderNotice({
        action,
        campaignTitle: def.title,
        office: def.office,
        unit: { name: unit.name, email: unit.email, principals: principalsOf(unit) },
        deliverableName: d.name,
        deadline: d.dueFor[unit.id] ?? d.dueFor[unit.type] ?? d.due,
        submitTo: [def.office.name],
        sentAt: parseInstant('2022-10-20T09:00:00', ZONE)!,
        timeZone: ZONE,
        lateWorkingDays: 5,
        timeLimit: action === 'notice' ? '2022-10-24' : undefined,
        allUnits: def.units.map((u) => ({ name: u.name, email: u.email, type: u.type })),
        portalUrl: action === 'circulate' ? undefined : `https://duban.example/u/${unit.id}.3f9a1c0e7b`,
        ladder: d.policy.escalate,
        stepsTaken: action === 'reminder' ? [] : steps.slice(0, steps.indexOf(action)),
        documentNumber: l.documents && action !== 'reminder' ? formatDocumentNumber(l.documents.prefix, l.documents.year, out.length + 1) : undefined,
        basis: l.basis,
        contact: l.contact,
        cc: l.cc,
        issuer: l.issuer,
      });
      out.push(out.length % 3 === 2 ? { ...rendered.letter, rehearsal: true } : rendered.letter);
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Writes every letter `times` times; wall and CPU milliseconds per letter. */
async function round(letters: OfficialLetter[], times: number, write: (l: OfficialLetter) => Promise<Buffer>) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < times; i++) for (const letter of letters) await write(letter);
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const n = letters.length * times;
  return { wall: wall / n, cpu: (used.user + used.system) / 1000 / n };
}

export async function docxBench(o: Options): Promise<boolean> {
  if (o.profile || o.timeSkipping) throw new UsageError('docx takes no flags');
  if (o.args.length > 1) throw new UsageError(`docx takes at most ROUNDS, got ${o.args.join(' ')}`);
  const rounds = o.args.length ? Number(o.args[0]) : DEFAULT_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`ROUNDS must be a whole number ≥ 1, got ${o.args[0]}`);
  const cpu = cpus();
  console.log(
    `bench docx — node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes skew timings)`,
  );
  const letters = ['examples/leizhou-2022-assessment.yaml', 'examples/taonan-2022-civil-affairs.yaml'].flatMap((file) =>
    lettersOf(parseCampaignDefinition(readFileSync(file, 'utf8'), file)),
  );
  const paragraphs = letters.reduce((n, l) => n + l.body.length, 0);
  console.log(
    `${letters.length} letters (${letters.filter((l) => l.rehearsal).length} rehearsals), ${(paragraphs / letters.length).toFixed(1)} body paragraphs ` +
      `and ${Math.round(letters.reduce((n, l) => n + l.body.join('').length, 0) / letters.length)} characters of 正文 on average`,
  );

  let t0 = performance.now();
  await officialLetterDocx(letters[0]);
  const first = performance.now() - t0;
  t0 = performance.now();
  await officialLetterDocxWithPackage(letters[0]);
  const firstPackage = performance.now() - t0;
  console.log(`first letter: ${first.toFixed(1)} ms (builds the fixed parts with the docx package), docx package ${firstPackage.toFixed(1)} ms`);

  // Ours is ~20× faster: write the set more times a round so that both rounds take comparable time.
  const ours: { wall: number; cpu: number }[] = [];
  const theirs: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(await round(letters, 20, officialLetterDocx));
    theirs.push(await round(letters, 1, officialLetterDocxWithPackage));
  }
  const row = (label: string, x: string, y: string) => console.log(`  ${label.padEnd(34)}${x.padStart(18)}${y.padStart(18)}`);
  console.log(`\nms per letter, median of ${rounds} rounds (ours: ${20 * letters.length} letters a round, docx package: ${letters.length})`);
  row('', 'officialLetterDocx', 'docx package');
  row('wall', median(ours.map((x) => x.wall)).toFixed(3), median(theirs.map((x) => x.wall)).toFixed(3));
  row('CPU (user + system, all threads)', median(ours.map((x) => x.cpu)).toFixed(3), median(theirs.map((x) => x.cpu)).toFixed(3));
  row('wall, fastest round', Math.min(...ours.map((x) => x.wall)).toFixed(3), Math.min(...theirs.map((x) => x.wall)).toFixed(3));
  const ratio = median(theirs.map((x) => x.wall)) / median(ours.map((x) => x.wall));
  const size = (b: Buffer) => b.length;
  const sizes = await Promise.all(letters.map(async (l) => [size(await officialLetterDocx(l)), size(await officialLetterDocxWithPackage(l))]));
  row('bytes per .docx (mean)', String(Math.round(sizes.reduce((s, x) => s + x[0], 0) / sizes.length)), String(Math.round(sizes.reduce((s, x) => s + x[1], 0) / sizes.length)));
  console.log(`\nratio docx package / officialLetterDocx (wall): ${ratio.toFixed(1)}×`);
  console.log(`load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  console.log('\nchecks');
  let failed = 0;
  const check = (ok: boolean, what: string) => {
    console.log(`  [${ok ? 'ok' : 'FAIL'}] ${what}`);
    if (!ok) failed++;
  };
  let readable = 0;
  for (const letter of letters) {
    try {
      const document = unzip(await officialLetterDocx(letter)).get('word/document.xml')?.toString('utf8') ?? '';
      const escaped = letter.title.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
      if (document.includes(escaped)) readable++;
    } catch (err) {
      console.log(`  ${letter.title}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  check(readable === letters.length, `every .docx unzips with its CRCs right and its document names the letter's title (${readable}/${letters.length})`);
  console.log(failed ? `\n${failed} check(s) failed` : '\nall checks passed');
  return failed === 0;
}
