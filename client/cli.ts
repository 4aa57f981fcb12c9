// The `duban` command line (entry point: client/duban.ts). With --json, stdout carries only JSON
// (use `npm run --silent duban -- …` so npm prints nothing either).
import { parseArgs } from 'node:util';
import { DubanError } from '../domain/errors';
import { COMMANDS, type Command, UsageError } from './commands';
import { exitQuietlyOnClosedPipe, output } from './output';

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  assume: { type: 'string' },
  'launch-at': { type: 'string' },
  smtp: { type: 'string' },
  file: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  unit: { type: 'string' },
  by: { type: 'string' },
  'allow-past': { type: 'boolean' },
} as const;

function commandLine(name: string, c: Command): string {
  const left = `  ${name} ${c.usage}`;
  return left.length < 50 ? `${left.padEnd(50)} ${c.does}` : `${left}\n${' '.repeat(51)}${c.does}`;
}

const USAGE = `duban — 督办: campaign supervision for work-safety offices (安委办)

Usage: npm run duban -- COMMAND [ARGS] [--json]

${Object.entries(COMMANDS)
  .map(([name, c]) => commandLine(name, c))
  .join('\n')}

Options: --json (machine-readable output), --by NAME (operator recorded for an action; default $DUBAN_OPERATOR or your login),
         --help after a command for its usage
Configuration: environment variables, see docs/configuration.md.`;

function commandUsage(name: string, c: Command): string {
  return `Usage: npm run duban -- ${name} ${c.usage} [--json]\n\n${c.does}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`duban: unknown command ${JSON.stringify(name)}\n\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    process.stderr.write(`duban ${name}: ${(err as Error).message}\n\n${commandUsage(name, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(commandUsage(name, command));
    return 0;
  }
  const out = output(parsed.values.json === true);
  try {
    await command.run({ name, positionals: parsed.positionals, values: parsed.values, out });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`duban ${name}: ${err.message}\n\n${commandUsage(name, command)}`);
      return 2;
    }
    if (err instanceof DubanError) {
      if (out.json) process.stdout.write(`${JSON.stringify({ error: err.code, message: err.message, details: err.details })}\n`);
      process.stderr.write(`duban ${name}: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
      return 1;
    }
    throw err;
  }
}

/** Runs the command line of this process and sets its exit code. */
export function runCli(): void {
  exitQuietlyOnClosedPipe();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`duban: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
