// plan: `duban validate` and `duban plan` of a generated campaign of N obligations (N/2 towns × 2
// deliverables), timed against parsing the same YAML alone (yaml's parseDocument with a LineCounter, as
// domain/definition.ts does), in the same run. Timings are reported, never judged; only the checks (the
// campaign validates to N obligations, the plan holds exactly the notices worked out by hand from the 2022
// State Council calendar, in order) decide the outcome.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { LineCounter, parseDocument } from 'yaml';
import { compileCampaign, defaultLaunchAt } from '../domain/compile';
import { type CampaignDefinition, parseCampaignDefinition } from '../domain/definition';
import { type PlannedNotice, planCampaign } from '../domain/plan';
import type { NoticeAction } from '../domain/policy';
import { TOWN_DELIVERABLES, earlyRectification, townId, townsCampaignYaml } from './towns-campaign';
import { type Options, UsageError } from './scenario';

const DEFAULT_N = 20_000;
const DEFAULT_REPS = 5;
const FILE = 'bench-plan.yaml';

export const PLAN_USAGE = [
  '  plan [N] [--reps R]',
  '                validate and plan a campaign of N obligations (N/2 towns × 2 deliverables; default',
  `                N = ${DEFAULT_N}), timed against parsing its YAML alone; after one warm-up, R repetitions of`,
  `                each (default ${DEFAULT_REPS}); checks the obligations and every notice of the plan`,
];

/** What each town is sent when nobody submits, worked out by hand (see expectedNotices). */
type Expected = [NoticeAction, string][];

const at = (date: string) => `${date}T09:00:00+08:00`;
const ladder = (reminders: string[], urge: string, notice: string, circulate: string, interview: string): Expected => [
  ...reminders.map((d): [NoticeAction, string] => ['reminder', at(d)]),
  ['urge', at(urge)],
  ['notice', at(notice)],
  ['circulate', at(circulate)],
  ['interview', at(interview)],
];

/**
 * 2022: 1–7 October are holidays, Saturday 8 and Sunday 9 October are 调休 working days; nothing else
 * off-weekend until December. Launch (the default, the first stage's start) at 2022-10-08 00:00.
 */
const EXPECTED = {
  // due Wed 10-12, default policy: reminders on the 3rd (Sun 10-09) and 1st (10-11) working day before and
  // on the day; urge 1st working day after (10-13), notice 3rd (Mon 10-17), circulate 5th (10-19), interview 7th (10-21)
  assessment: ladder(['2022-10-09', '2022-10-11', '2022-10-12'], '2022-10-13', '2022-10-17', '2022-10-19', '2022-10-21'),
  // due Wed 11-30, reminders 5 (Wed 11-23), 2 (Mon 11-28) and 0 working days before; 12-01, 12-05, 12-07, 12-09
  rectification: ladder(['2022-11-23', '2022-11-28', '2022-11-30'], '2022-12-01', '2022-12-05', '2022-12-07', '2022-12-09'),
  // due Tue 11-15: reminders Tue 11-08, Fri 11-11, 11-15; 11-16, Fri 11-18, Tue 11-22, Thu 11-24
  rectificationEarly: ladder(['2022-11-08', '2022-11-11', '2022-11-15'], '2022-11-16', '2022-11-18', '2022-11-22', '2022-11-24'),
};

interface Args {
  n: number;
  reps: number;
}

function parseArgs(args: string[]): Args {
  let n = DEFAULT_N;
  let reps = DEFAULT_REPS;
  const count = (v: string | undefined, what: string, min: number, even: boolean) => {
    const k = Number(v);
    if (!v || !/^\d+$/.test(v) || k < min || (even && k % 2 !== 0))
      throw new UsageError(`plan: ${what} must be ${even ? 'an even' : 'a'} whole number ≥ ${min}, got ${JSON.stringify(v)}`);
    return k;
  };
  const rest = [...args];
  let positional = 0;
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--reps') reps = count(rest.shift(), '--reps', 1, false);
    else if (positional++ === 0) n = count(a, 'N', 2, true);
    else throw new UsageError(`plan: unexpected argument ${JSON.stringify(a)}`);
  }
  return { n, reps };
}

interface Times {
  parse: number[];
  validate: number[];
  plan: number[];
  planFromText: number[];
}

type Check = (ok: boolean, what: string) => void;

const ms = (t: number) => `${t >= 10_000 ? (t / 1000).toFixed(1) + ' s' : t.toFixed(0) + ' ms'}`;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export async function planScale(o: Options): Promise<boolean> {
  const { n, reps } = parseArgs(o.args);
  const towns = n / 2;
  const text = townsCampaignYaml(`bench-plan-${n}`, towns);
  console.log(
    `bench plan — node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes skew timings)`,
  );
  console.log(
    `campaign: ${towns} towns × 2 deliverables = ${n} obligations, ${(Buffer.byteLength(text) / 2 ** 20).toFixed(2)} MB of YAML; ` +
      `peak RSS so far ${mb(peakRss())}`,
  );
  const failures: string[] = [];
  const check: Check = (ok, what) => {
    console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  };

  // (a) parse, (b) validate, (c) plan from the parsed definition, (d) plan from the text; round-robin, so
  // that a change in the machine's load falls on all four alike. Round 0 is the warm-up and is checked.
  const times: Times = { parse: [], validate: [], plan: [], planFromText: [] };
  // peak RSS of the process after each step's first run (the warm-up round, before any check): it only
  // grows, so each step's figure less the one before is what that step added
  const rss: Record<keyof Times, number> = { parse: 0, validate: 0, plan: 0, planFromText: 0 };
  let def: CampaignDefinition | undefined;
  const planLengths: number[] = [];
  for (let round = 0; round <= reps; round++) {
    const warm = round === 0;
    const timed = <T>(what: keyof Times, f: () => T): T => {
      const t = performance.now();
      const result = f();
      if (!warm) times[what].push(performance.now() - t);
      else rss[what] = peakRss();
      return result;
    };
    const doc = timed('parse', () => parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: true, prettyErrors: false }));
    const validated = timed('validate', () => {
      const d = parseCampaignDefinition(text, FILE);
      return { def: d, compiled: compileCampaign(d, Date.now()) };
    });
    def ??= validated.def;
    const parsedDef = def;
    const plan = timed('plan', () => planCampaign(compileCampaign(parsedDef, defaultLaunchAt(parsedDef))));
    const planFromText = timed('planFromText', () => {
      const d = parseCampaignDefinition(text, FILE);
      return planCampaign(compileCampaign(d, defaultLaunchAt(d)));
    });
    if (warm) {
      console.log('\nchecks (warm-up round):');
      check(doc.errors.length === 0, `the YAML parses without errors`);
      checkValidated(check, validated.def, validated.compiled, n);
      checkPlan(check, plan, n);
      check(
        planFromText.length === plan.length && plan.every((p, i) => JSON.stringify(p) === JSON.stringify(planFromText[i])),
        'plan from the text = plan from the parsed definition',
      );
    }
    planLengths.push(plan.length, planFromText.length);
  }
  check(
    planLengths.every((l) => l === planLengths[0]),
    `every repetition planned the same number of notices (${planLengths[0]})`,
  );
  report(times, rss, reps);
  console.log(`peak RSS of the whole run ${mb(peakRss())}`);
  if (failures.length) console.log(`\n${failures.length} check(s) FAILED`);
  return failures.length === 0;
}

function checkValidated(check: Check, def: CampaignDefinition, compiled: ReturnType<typeof compileCampaign>, n: number): void {
  check(def.units.length === n / 2, `validate: ${n / 2} units (got ${def.units.length})`);
  check(compiled.obligations.length === n, `validate: ${n} obligations (got ${compiled.obligations.length})`);
  check(compiled.warnings.length === 0, `validate: no warnings${compiled.warnings.length ? ` (got ${compiled.warnings.join('; ')})` : ''}`);
}

/** Every obligation gets exactly its hand-worked notices, and the list is ordered by time, unit, deliverable. */
function checkPlan(check: Check, plan: PlannedNotice[], n: number): void {
  const perObligation = 7;
  check(plan.length === n * perObligation, `plan: ${n * perObligation} notices, ${perObligation} per obligation (got ${plan.length})`);
  const byAction = new Map<string, number>();
  for (const p of plan) byAction.set(p.action, (byAction.get(p.action) ?? 0) + 1);
  const counts = [...byAction].map(([a, c]) => `${a} ${c}`).join(', ');
  check(
    byAction.get('reminder') === 3 * n && ['urge', 'notice', 'circulate', 'interview'].every((a) => byAction.get(a) === n) && byAction.size === 5,
    `plan: ${3 * n} reminders and ${n} of each escalation step (got ${counts})`,
  );
  let ordered = true;
  for (let i = 1; i < plan.length && ordered; i++) {
    const a = plan[i - 1];
    const b = plan[i];
    // every instant is at +08:00, so the strings order as the instants do
    ordered = a.at < b.at || (a.at === b.at && (a.unit < b.unit || (a.unit === b.unit && a.deliverable < b.deliverable)));
  }
  check(ordered, 'plan: ordered by time, then unit, then deliverable, without duplicates');
  const got = new Map<string, Expected>();
  for (const p of plan) {
    if (p.action === 'lead-digest') continue; // the towns report to the office only: none is expected
    const key = `${p.unit}/${p.deliverable}`;
    let list = got.get(key);
    if (!list) got.set(key, (list = []));
    list.push([p.action, p.at]);
  }
  const wrong: string[] = [];
  for (let i = 1; i <= n / 2; i++) {
    const uid = townId(i);
    const expect: [string, Expected][] = [
      [TOWN_DELIVERABLES.assessment, EXPECTED.assessment],
      [TOWN_DELIVERABLES.rectification, earlyRectification(i) ? EXPECTED.rectificationEarly : EXPECTED.rectification],
    ];
    for (const [deliverable, notices] of expect) {
      const key = `${uid}/${deliverable}`;
      const actual = [...(got.get(key) ?? [])].sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
      if (JSON.stringify(actual) !== JSON.stringify(notices)) wrong.push(key);
    }
  }
  check(got.size === n && wrong.length === 0, `plan: every obligation's notices as worked out by hand${wrong.length ? ` (wrong: ${wrong.slice(0, 3).join(', ')}${wrong.length > 3 ? ` and ${wrong.length - 3} more` : ''})` : ''}`);
}

function report(times: Times, rss: Record<keyof Times, number>, reps: number): void {
  const parse = median(times.parse);
  const line = (label: string, what: keyof Times, ratio: boolean) => {
    const xs = times[what];
    const m = median(xs);
    console.log(
      `  ${label.padEnd(44)} median ${ms(m).padStart(8)}  min ${ms(Math.min(...xs)).padStart(8)}  max ${ms(Math.max(...xs)).padStart(8)}` +
        `${ratio ? `  ${(m / parse).toFixed(2).padStart(6)}× parse` : ''.padEnd(15)}  peak RSS ${mb(rss[what])}`,
    );
  };
  console.log(`\ntimes over ${reps} repetitions after one warm-up; peak RSS of the process after the step's first run:`);
  line('(a) YAML parse (parseDocument + LineCounter)', 'parse', false);
  line('(b) validate (parse definition + compile)', 'validate', true);
  line('(c) plan (compile + planCampaign)', 'plan', true);
  line('(d) plan from the text ((b)\'s parse + (c))', 'planFromText', true);
  const r = (what: keyof Times) => (median(times[what]) / parse).toFixed(2);
  console.log(`\nratios (medians): validate/parse ${r('validate')}, plan/parse ${r('plan')}, plan from the text/parse ${r('planFromText')}`);
}
