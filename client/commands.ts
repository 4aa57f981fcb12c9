// Every `duban` command: its usage line, what it does, and how it runs. client/cli.ts dispatches to them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign, defaultLaunchAt } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { type Assumption, planCampaign } from '../domain/plan';
import type { ObligationEvent } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { actOnObligation, actionWarnings } from '../operations/actions';
import { readDefinitionFile } from '../operations/definition-file';
import { campaignHistory } from '../operations/history';
import { campaignInterviews } from '../operations/interviews';
import { launchCampaign } from '../operations/launch';
import { campaignStatus } from '../operations/status';
import { loadConfig } from '../platform/config';
import { installQuietRuntime } from '../rehearsal/quiet-runtime';
import { simulateCampaign } from '../rehearsal/simulate';
import { TASK_QUEUE } from '../shared/contract';
import { withDb, withTemporal } from './connections';
import { type Out, printNotices, timelineText } from './output';

export type Values = Record<string, string | boolean | undefined>;

export class UsageError extends Error {}

export interface Invocation {
  name: string;
  positionals: string[];
  values: Values;
  out: Out;
}

export interface Command {
  /** Arguments after the command's name, as shown in the usage. */
  usage: string;
  /** What it does, in one line. */
  does: string;
  run(inv: Invocation): Promise<void>;
}

function need(inv: Invocation, names: string[]): string[] {
  if (inv.positionals.length !== names.length) {
    throw new UsageError(`expected ${names.join(' ')}, got ${inv.positionals.length ? inv.positionals.join(' ') : 'nothing'}`);
  }
  return inv.positionals;
}

function option(inv: Invocation, name: string): string | undefined {
  const v = inv.values[name];
  return typeof v === 'string' ? v : undefined;
}

function requiredOption(inv: Invocation, name: string): string {
  const v = option(inv, name);
  if (!v) throw new UsageError(`${inv.name} needs --${name}`);
  return v;
}

function readAssumptions(file: string, timeZone: string): Assumption[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DubanError('INVALID_ARGUMENT', `cannot read --assume ${file}: ${(err as Error).message}`);
  }
  return parseAssumptions(text, file, timeZone);
}

function planInputs(inv: Invocation) {
  const [file] = need(inv, ['FILE']);
  const { def } = readDefinitionFile(file);
  let launchAt = defaultLaunchAt(def);
  const at = option(inv, 'launch-at');
  if (at !== undefined) {
    const t = parseInstant(at, def.timeZone);
    if (t === undefined) throw new DubanError('INVALID_ARGUMENT', `--launch-at ${JSON.stringify(at)} is not a date-time such as 2022-10-08T10:00:00+08:00`);
    launchAt = t;
  }
  const assume = option(inv, 'assume');
  const assumptions = assume === undefined ? [] : readAssumptions(assume, def.timeZone);
  return { file, compiled: compileCampaign(def, launchAt), assumptions };
}

function obligationEvent(inv: Invocation): ObligationEvent {
  switch (inv.name) {
    case 'submit': {
      const file = option(inv, 'file');
      if (file !== undefined && (!existsSync(file) || !statSync(file).isFile())) {
        throw new DubanError('INVALID_ARGUMENT', `--file ${file} does not exist or is not a file`);
      }
      return { kind: 'submit', file: file ? resolve(file) : undefined };
    }
    case 'extend':
      return { kind: 'extend', to: requiredOption(inv, 'to'), reason: requiredOption(inv, 'reason') };
    case 'return':
      return { kind: 'return', to: requiredOption(inv, 'to'), reason: requiredOption(inv, 'reason') };
    default:
      return { kind: 'waive', reason: requiredOption(inv, 'reason') };
  }
}

async function obligationAction(inv: Invocation): Promise<void> {
  const [campaignId, unitId, deliverableId] = need(inv, ['CAMPAIGN', 'UNIT', 'DELIVERABLE']);
  const event = obligationEvent(inv);
  const actor = option(inv, 'by') ?? loadConfig().operator;
  const args = { campaignId, unitId, deliverableId, event, actor };
  const { state, warnings } = await withDb(async (db) => ({
    state: await withTemporal((client) => actOnObligation({ client, db }, args)),
    warnings: await actionWarnings(db, args),
  }));
  for (const w of warnings) inv.out.warn(w);
  const what = `${unitId}/${deliverableId}`;
  const human =
    state.status === 'submitted'
      ? `${what}: submitted ${state.lateWorkingDays ? `${state.lateWorkingDays} working day(s) late` : 'on time'}`
      : state.status === 'waived'
        ? `${what}: waived`
        : `${what}: open, now due ${state.deadline}; reminders and escalation restart from it`;
  inv.out.print(human, { campaign: campaignId, unit: unitId, deliverable: deliverableId, ...state, warnings });
}

export const COMMANDS: Record<string, Command> = {
  validate: {
    usage: 'FILE',
    does: 'check a campaign definition; launches nothing',
    async run(inv) {
      const [file] = need(inv, ['FILE']);
      const { def } = readDefinitionFile(file);
      const compiled = compileCampaign(def, Date.now());
      for (const w of compiled.warnings) inv.out.warn(`${file}: ${w}`);
      const counts = { units: def.units.length, stages: def.stages.length, deliverables: def.deliverables.length, obligations: compiled.obligations.length };
      inv.out.print(
        `${file}: valid — ${def.id}: ${counts.units} units, ${counts.stages} stages, ${counts.deliverables} deliverables, ${counts.obligations} obligations`,
        { file, valid: true, campaign: def.id, ...counts, warnings: compiled.warnings },
      );
    },
  },
  plan: {
    usage: 'FILE [--assume F] [--launch-at TIME]',
    does: 'every notice the campaign would send (no server needed)',
    async run(inv) {
      const { compiled, assumptions } = planInputs(inv);
      for (const w of compiled.warnings) inv.out.warn(w);
      printNotices(inv.out, planCampaign(compiled, assumptions));
    },
  },
  simulate: {
    usage: 'FILE [--assume F] [--launch-at TIME] [--smtp URL]',
    does: 'rehearse it on the time-skipping server with the real workflows',
    async run(inv) {
      const { file, compiled, assumptions } = planInputs(inv);
      installQuietRuntime();
      const notices = await simulateCampaign({
        file,
        compiled,
        assumptions,
        smtpUrl: option(inv, 'smtp'),
        onProgress: inv.out.json ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
      for (const w of compiled.warnings) inv.out.warn(w);
      printNotices(inv.out, notices);
    },
  },
  launch: {
    usage: 'FILE [--allow-past]',
    does: 'start the campaign (a second launch starts nothing)',
    async run(inv) {
      const [file] = need(inv, ['FILE']);
      const config = loadConfig();
      const result = await withDb((db) =>
        withTemporal((client) =>
          launchCampaign(
            { client, db, taskQueue: TASK_QUEUE, searchAttributes: config.searchAttributes },
            { file, actor: option(inv, 'by') ?? config.operator, allowPast: inv.values['allow-past'] === true },
          ),
        ),
      );
      for (const w of result.warnings) inv.out.warn(`${file}: ${w}`);
      inv.out.print(result.message, result);
    },
  },
  status: {
    usage: 'CAMPAIGN',
    does: 'every unit × deliverable and where it stands',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const status = await withDb((db) => campaignStatus(db, campaignId));
      const width = Math.max(4, ...status.rows.map((r) => r.unit.length));
      const dWidth = Math.max(11, ...status.rows.map((r) => r.deliverable.length));
      const lines = [
        `${status.campaignId} — ${status.title}`,
        `${'UNIT'.padEnd(width)}  ${'DELIVERABLE'.padEnd(dWidth)}  DUE         STATE`,
        ...status.rows.map((r) => `${r.unit.padEnd(width)}  ${r.deliverable.padEnd(dWidth)}  ${r.due}  ${r.summary}   ${r.unitName}`),
      ];
      inv.out.print(lines.join('\n'), status);
    },
  },
  submit: { usage: 'CAMPAIGN UNIT DELIVERABLE [--file PATH]', does: 'record a submission (报送)', run: obligationAction },
  extend: { usage: 'CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT', does: 'grant an extension (延期)', run: obligationAction },
  waive: { usage: 'CAMPAIGN UNIT DELIVERABLE --reason TEXT', does: 'waive the obligation (免报)', run: obligationAction },
  return: { usage: 'CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT', does: 'send a submission back for revision (退回)', run: obligationAction },
  history: {
    usage: 'CAMPAIGN [--unit UNIT]',
    does: 'timeline of notices, actions and workflow events',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const unitId = option(inv, 'unit');
      const history = await withDb((db) => withTemporal((client) => campaignHistory({ db, client }, { campaignId, unitId })));
      for (const w of history.warnings) process.stderr.write(`note: ${w}\n`);
      inv.out.list(history.entries, timelineText);
    },
  },
  interviews: {
    usage: 'CAMPAIGN',
    does: '约谈 records created by interview notices, to be scheduled',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const rows = await withDb((db) => campaignInterviews(db, campaignId));
      inv.out.list(rows, (i) => `${i.createdAt.slice(0, 10)}  ${i.unit}/${i.deliverable}  ${i.principal}  ${i.status}`, 'no interviews');
    },
  },
};
