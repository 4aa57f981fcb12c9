// The `duban` command line (entry point: client/duban.ts). With --json, stdout carries only JSON
// (use `npm run --silent duban -- …` so npm prints nothing either).
import { parseArgs } from 'node:util';
import { DubanError } from '../domain/errors';
import { COMMANDS as BASE_COMMANDS, type Command, UsageError } from './commands';
import { HAZARDS_COMMAND } from './hazard-commands';
import { exitQuietlyOnClosedPipe, output } from './output';

const COMMANDS: Record<string, Command> = { ...BASE_COMMANDS, hazards: HAZARDS_COMMAND };

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  assume: { type: 'string' },
  'launch-at': { type: 'string' },
  smtp: { type: 'string' },
  'allow-remote-smtp': { type: 'boolean' },
  date: { type: 'string' },
  docx: { type: 'string' },
  file: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  unit: { type: 'string' },
  by: { type: 'string' },
  'allow-past': { type: 'boolean' },
  role: { type: 'string' },
  'display-name': { type: 'string' },
  // hazards
  out: { type: 'string' },
  period: { type: 'string' },
  close: { type: 'boolean' },
  result: { type: 'string' },
  deadline: { type: 'string' },
  level: { type: 'string' },
  status: { type: 'string' },
  town: { type: 'string' },
  department: { type: 'string' },
  overdue: { type: 'boolean' },
  listed: { type: 'boolean' },
  'awaiting-sign-off': { type: 'boolean' },
  text: { type: 'string' },
  page: { type: 'string' },
  'page-size': { type: 'string' },
  acceptor: { type: 'string' },
  on: { type: 'string' },
  opinion: { type: 'string' },
  measures: { type: 'string' },
  responsibility: { type: 'string' },
  funds: { type: 'string' },
  contingency: { type: 'string' },
  'document-number': { type: 'string' },
  signer: { type: 'string' },
  requester: { type: 'string' },
  approve: { type: 'boolean' },
  refuse: { type: 'boolean' },
  description: { type: 'string' },
  site: { type: 'string' },
  responsible: { type: 'string' },
  version: { type: 'string' },
} as const;

function commandLine(name: string, c: Command): string {
  const left = `  ${name} ${c.usage}`;
  return left.length < 50 ? `${left.padEnd(50)} ${c.does}` : `${left}\n${' '.repeat(51)}${c.does}`;
}

const USAGE = `duban — 督办：安委办专项行动的提醒与督办

用法：npm run duban -- COMMAND [ARGS] [--json]

${Object.entries(COMMANDS)
  .map(([name, c]) => commandLine(name, c))
  .join('\n')}

选项：--json（供程序读取的输出），--by NAME（记录在操作上的操作人；默认为 $DUBAN_OPERATOR 或当前登录名），
      命令后加 --help 查看该命令的用法
配置：环境变量，见 docs/configuration.md。`;

/** node:util parseArgs's refusal, in words: the option it names is kept as typed. */
function argumentError(err: unknown): string {
  const { code, message } = err as { code?: string; message: string };
  const option = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return option ? `未知选项 ${option}` : `未知选项（${message}）`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = option?.split(' ')[0] ?? '';
      if (/argument missing/.test(message)) return `选项 ${name} 缺少取值`;
      if (/does not take an argument/.test(message)) return `选项 ${name} 不接受取值`;
      return `选项 ${name} 的取值不正确（${message}）`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return option ? `多余的参数 ${option}` : `多余的参数（${message}）`;
    default:
      return message;
  }
}

function commandUsage(name: string, c: Command): string {
  return `用法：npm run duban -- ${name} ${c.usage} [--json]\n\n${c.does}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`duban：未知命令“${name}”\n\n${USAGE}\n`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    process.stderr.write(`duban ${name}：${argumentError(err)}\n\n${commandUsage(name, command)}`);
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
      process.stderr.write(`duban ${name}：${err.message}\n\n${commandUsage(name, command)}`);
      return 2;
    }
    if (err instanceof DubanError) {
      if (out.json) process.stdout.write(`${JSON.stringify({ error: err.code, message: err.message, details: err.details })}\n`);
      process.stderr.write(`duban ${name}：${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
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
      process.stderr.write(`duban：意外错误：${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
