// Benchmarks: `npm run bench -- SCENARIO`. Exit code 0 when every check of the scenario passed, 1 when a
// check failed or the run broke, 2 for an unknown scenario or a malformed command line. Timings are
// reported, never judged; only the checks decide the exit code.
import { launch5000 } from './launch-5000';
import type { Scenario } from './scenario';

const SCENARIOS: Record<string, Scenario> = {
  'launch-5000': launch5000,
};

function usage(): string {
  return [
    'usage: npm run bench -- SCENARIO [--time-skipping]',
    '',
    'scenarios:',
    '  launch-5000   launch a 5,000-unit campaign (20 lead departments, 4,000 departments, 980 towns)',
    '                on the time-skipping server; checks all 5,000 obligation workflows start and the',
    '                campaign history stays small; compares per-obligation cost with a 50-unit launch',
    '',
    '  --time-skipping   do not hold the time-skipping server\'s clock during the launches (by default it',
    '                    is held, so that reminders due the next day do not fire in the middle of the',
    '                    measurements whenever the server is momentarily idle)',
  ].join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const timeSkipping = args.includes('--time-skipping');
  const rest = args.filter((a) => a !== '--time-skipping');
  const scenario = rest[0];
  if (rest.length !== 1 || !scenario || !Object.hasOwn(SCENARIOS, scenario)) {
    if (scenario && scenario !== '--help' && scenario !== '-h') console.error(`unknown scenario: ${args.join(' ')}`);
    console.error(usage());
    return 2;
  }
  return (await SCENARIOS[scenario]({ timeSkipping })) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
