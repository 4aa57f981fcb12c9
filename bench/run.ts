// Benchmarks: `npm run bench -- SCENARIO [ARGS]`. Exit code 0 when every check of the scenario passed, 1
// when a check failed or the run broke, 2 for an unknown scenario or a malformed command line. Timings
// are reported, never judged; only the checks decide the exit code.
import { BOARD_USAGE, boardScale } from './board';
import { BURST_USAGE, burst } from './burst';
import { CHAOS_USAGE, chaos } from './chaos';
import { DOCX_USAGE, docxBench } from './docx';
import { HAZARDS_USAGE, hazardsScale } from './hazards';
import { launch5000 } from './launch-5000';
import { LAUNCH_USAGE, launchScale } from './launch-scale';
import { PLAN_USAGE, planScale } from './plan-scale';
import { type Options, type Scenario, UsageError } from './scenario';

const SCENARIOS: Record<string, Scenario> = {
  'launch-5000': async (o) => {
    if (o.args.length) throw new UsageError(`launch-5000 takes no arguments, got ${o.args.join(' ')}`);
    if (o.profile) throw new UsageError('--profile does not apply to launch-5000');
    return launch5000(o);
  },
  burst,
  chaos,
  plan: planScale,
  launch: launchScale,
  board: boardScale,
  hazards: hazardsScale,
  docx: docxBench,
};

/** Flags any scenario may be given; a scenario refuses those that do not apply to it. */
const FLAGS = new Set(['--time-skipping', '--profile']);

function usage(): string {
  return [
    'usage: npm run bench -- SCENARIO [ARGS] [--time-skipping] [--profile]',
    '',
    'scenarios:',
    '  launch-5000   launch a 5,000-unit campaign (20 lead departments, 4,000 departments, 980 towns)',
    '                on the time-skipping server; checks all 5,000 obligation workflows start and the',
    '                campaign history stays small; compares per-obligation cost with a 50-unit launch',
    '',
    '    --time-skipping   do not hold the time-skipping server\'s clock during the launches (by default it',
    '                      is held, so that reminders due the next day do not fire in the middle of the',
    '                      measurements whenever the server is momentarily idle)',
    '',
    ...BURST_USAGE,
    '',
    ...CHAOS_USAGE,
    '',
    ...PLAN_USAGE,
    '',
    ...LAUNCH_USAGE,
    '',
    ...BOARD_USAGE,
    '',
    ...HAZARDS_USAGE,
    '',
    ...DOCX_USAGE,
  ].join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const words = argv.filter((a) => !FLAGS.has(a));
  const scenario = words[0];
  if (!scenario || !Object.hasOwn(SCENARIOS, scenario)) {
    if (scenario && scenario !== '--help' && scenario !== '-h') console.error(`unknown scenario: ${argv.join(' ')}`);
    console.error(usage());
    return 2;
  }
  const o: Options = { timeSkipping: argv.includes('--time-skipping'), profile: argv.includes('--profile'), args: words.slice(1) };
  try {
    return (await SCENARIOS[scenario](o)) ? 0 : 1;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${usage()}`);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
