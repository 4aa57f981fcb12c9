// The `duban` command line. Run in the repo as `npm run duban -- COMMAND …`; with --json, stdout carries
// only JSON (use `npm run --silent duban -- …` so npm prints nothing either).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadSettings, requireCampaign } from '../store/campaigns';
import { type Db, createDb } from '../store/db';
import { addDays, missingYears } from '../domain/calendar';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { type Assumption, planCampaign, type PlannedNotice } from '../domain/plan';
import type { ObligationEvent } from '../domain/policy';
import { parseInstant, startOfDate } from '../domain/zoned-time';
import { TASK_QUEUE } from '../shared/contract';
import { actOnObligation } from '../operations/actions';
import { loadConfig, temporalAddress } from '../platform/config';
import { readDefinitionFile } from '../operations/definition-file';
import { campaignHistory } from '../operations/history';
import { launchCampaign } from '../operations/launch';
import { installQuietRuntime } from '../rehearsal/quiet-runtime';
import { simulateCampaign } from '../rehearsal/simulate';
import { campaignStatus } from '../operations/status';

const USAGE = `duban — 督办: campaign supervision for work-safety offices (安委办)

Usage: npm run duban -- COMMAND [ARGS] [--json]

  validate FILE                                  check a campaign definition; launches nothing
  plan FILE [--assume F] [--launch-at TIME]      every notice the campaign would send (no server needed)
  simulate FILE [--assume F] [--launch-at TIME] [--smtp URL]
                                                 rehearse it on the time-skipping server with the real workflows
  launch FILE                                    start the campaign (a second launch starts nothing)
  status CAMPAIGN                                every unit × deliverable and where it stands
  submit CAMPAIGN UNIT DELIVERABLE [--file PATH] record a submission (报送)
  extend CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT    grant an extension (延期)
  waive CAMPAIGN UNIT DELIVERABLE --reason TEXT  waive the obligation
  return CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT    send a submission back for revision (退回)
  history CAMPAIGN [--unit UNIT]                 timeline of notices, actions and workflow events
  interviews CAMPAIGN                            约谈 records created by interview notices, to be scheduled

Options: --json (machine-readable output), --by NAME (operator recorded for an action; default $DUBAN_OPERATOR or your login)
Configuration: environment variables, see docs/configuration.md.`;

class UsageError extends Error {}

interface Out {
  json: boolean;
  print(human: string, json: unknown): void;
}

function out(json: boolean): Out {
  return {
    json,
    print(human, data) {
      process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
    },
  };
}

async function withTemporal<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const config = loadConfig();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: temporalAddress(config), connectTimeout: '5 seconds' });
  } catch (err) {
    throw new DubanError(
      'CONFIG',
      `cannot reach Temporal at ${temporalAddress(config)} (${(err as Error).message}). Is \`npm start\` running, or DUBAN_TEMPORAL_ADDRESS set?`,
    );
  }
  try {
    return await fn(new Client({ connection, namespace: config.namespace }));
  } finally {
    await connection.close();
  }
}

function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const file = config.databaseUrl.replace(/^file:/, '');
  if (config.databaseUrl.startsWith('file:') && !existsSync(file)) {
    throw new DubanError('CONFIG', `no duban database at ${file}: run \`npm start\` first (it creates it), or set DATABASE_URL / DUBAN_DATA_DIR`);
  }
  const db = createDb(config.databaseUrl);
  return fn(db).finally(() => db.$disconnect());
}

function need(positionals: string[], count: number, names: string): string[] {
  if (positionals.length !== count) throw new UsageError(`expected ${names}, got ${positionals.length ? positionals.join(' ') : 'nothing'}`);
  return positionals;
}

function planInputs(file: string, values: Record<string, string | boolean | undefined>) {
  const { def } = readDefinitionFile(file);
  const firstStage = [...def.stages].sort((a, b) => (a.start < b.start ? -1 : 1))[0];
  let launchAt = startOfDate(firstStage.start, def.timeZone);
  if (typeof values['launch-at'] === 'string') {
    const t = parseInstant(values['launch-at'], def.timeZone);
    if (t === undefined) throw new DubanError('INVALID_ARGUMENT', `--launch-at ${JSON.stringify(values['launch-at'])} is not a date-time such as 2022-10-08T10:00:00+08:00`);
    launchAt = t;
  }
  let assumptions: Assumption[] = [];
  if (typeof values.assume === 'string') {
    let text: string;
    try {
      text = readFileSync(values.assume, 'utf8');
    } catch (err) {
      throw new DubanError('INVALID_ARGUMENT', `cannot read --assume ${values.assume}: ${(err as Error).message}`);
    }
    assumptions = parseAssumptions(text, values.assume, def.timeZone);
  }
  const compiled = compileCampaign(def, launchAt);
  return { compiled, assumptions };
}

function printNotices(o: Out, notices: PlannedNotice[], warnings: string[]) {
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (o.json) {
    for (const n of notices) process.stdout.write(`${JSON.stringify({ unit: n.unit, deliverable: n.deliverable, action: n.action, at: n.at })}\n`);
    return;
  }
  for (const n of notices) process.stdout.write(`${n.at}  ${n.action.padEnd(9)}  ${n.unit}  ${n.deliverable}\n`);
  process.stdout.write(`${notices.length} notice(s)\n`);
}

async function obligationAction(command: string, positionals: string[], values: Record<string, string | boolean | undefined>, o: Out) {
  const [campaignId, unitId, deliverableId] = need(positionals, 3, 'CAMPAIGN UNIT DELIVERABLE');
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const required = (k: string) => {
    const v = str(k);
    if (!v) throw new UsageError(`${command} needs --${k}`);
    return v;
  };
  let event: ObligationEvent;
  switch (command) {
    case 'submit': {
      const file = str('file');
      if (file !== undefined) {
        if (!existsSync(file) || !statSync(file).isFile()) throw new DubanError('INVALID_ARGUMENT', `--file ${file} does not exist or is not a file`);
      }
      event = { kind: 'submit', file: file ? resolve(file) : undefined };
      break;
    }
    case 'extend':
      event = { kind: 'extend', to: required('to'), reason: required('reason') };
      break;
    case 'return':
      event = { kind: 'return', to: required('to'), reason: required('reason') };
      break;
    default:
      event = { kind: 'waive', reason: required('reason') };
  }
  const actor = str('by') ?? loadConfig().operator;
  const { state, warnings } = await withDb(async (db) => {
    const state = await withTemporal((client) => actOnObligation({ client, db }, { campaignId, unitId, deliverableId, event, actor }));
    const warnings: string[] = [];
    if ('to' in event) {
      // the calendar was fixed at launch: a deadline moved into a year it does not know is counted on plain weekdays
      const { calendar } = await loadSettings(db, campaignId);
      const missing = missingYears(calendar, event.to, addDays(event.to, 20));
      if (missing.length)
        warnings.push(`the campaign's holiday calendar does not cover ${missing.join(', ')}: working days after ${event.to} are counted as plain weekdays, without statutory holidays or 调休`);
    }
    return { state, warnings };
  });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const human =
    state.status === 'submitted'
      ? `${unitId}/${deliverableId}: submitted ${state.lateWorkingDays ? `${state.lateWorkingDays} working day(s) late` : 'on time'}`
      : state.status === 'waived'
        ? `${unitId}/${deliverableId}: waived`
        : `${unitId}/${deliverableId}: open, now due ${state.deadline}; reminders and escalation restart from it`;
  o.print(human, { campaign: campaignId, unit: unitId, deliverable: deliverableId, ...state, warnings });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        assume: { type: 'string' },
        'launch-at': { type: 'string' },
        smtp: { type: 'string' },
        file: { type: 'string' },
        to: { type: 'string' },
        reason: { type: 'string' },
        unit: { type: 'string' },
        by: { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`duban ${command}: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const o = out(values.json === true);
  try {
    switch (command) {
      case 'validate': {
        const [file] = need(positionals, 1, 'FILE');
        const { def } = readDefinitionFile(file);
        const compiled = compileCampaign(def, Date.now());
        for (const w of compiled.warnings) process.stderr.write(`warning: ${file}: ${w}\n`);
        o.print(
          `${file}: valid — ${def.id}: ${def.units.length} units, ${def.stages.length} stages, ${def.deliverables.length} deliverables, ${compiled.obligations.length} obligations`,
          { file, valid: true, campaign: def.id, units: def.units.length, stages: def.stages.length, deliverables: def.deliverables.length, obligations: compiled.obligations.length, warnings: compiled.warnings },
        );
        return 0;
      }
      case 'plan': {
        const [file] = need(positionals, 1, 'FILE');
        const { compiled, assumptions } = planInputs(file, values);
        printNotices(o, planCampaign(compiled, assumptions), compiled.warnings);
        return 0;
      }
      case 'simulate': {
        const [file] = need(positionals, 1, 'FILE');
        const { compiled, assumptions } = planInputs(file, values);
        installQuietRuntime();
        const notices = await simulateCampaign({
          file,
          compiled,
          assumptions,
          smtpUrl: values.smtp,
          onProgress: o.json ? undefined : (line) => process.stderr.write(`${line}\n`),
        });
        printNotices(o, notices, compiled.warnings);
        return 0;
      }
      case 'launch': {
        const [file] = need(positionals, 1, 'FILE');
        const config = loadConfig();
        const actor = values.by ?? config.operator;
        const result = await withDb((db) =>
          withTemporal((client) => launchCampaign({ client, db, taskQueue: TASK_QUEUE, searchAttributes: config.searchAttributes }, { file, actor })),
        );
        for (const w of result.warnings) process.stderr.write(`warning: ${file}: ${w}\n`);
        o.print(result.message, result);
        return 0;
      }
      case 'status': {
        const [campaignId] = need(positionals, 1, 'CAMPAIGN');
        const status = await withDb((db) => campaignStatus(db, campaignId));
        const width = Math.max(4, ...status.rows.map((r) => r.unit.length));
        const dWidth = Math.max(11, ...status.rows.map((r) => r.deliverable.length));
        const lines = [
          `${status.campaignId} — ${status.title}`,
          `${'UNIT'.padEnd(width)}  ${'DELIVERABLE'.padEnd(dWidth)}  DUE         STATE`,
          ...status.rows.map((r) => `${r.unit.padEnd(width)}  ${r.deliverable.padEnd(dWidth)}  ${r.due}  ${r.summary}   ${r.unitName}`),
        ];
        o.print(lines.join('\n'), status);
        return 0;
      }
      case 'submit':
      case 'extend':
      case 'waive':
      case 'return':
        await obligationAction(command, positionals, values, o);
        return 0;
      case 'history': {
        const [campaignId] = need(positionals, 1, 'CAMPAIGN');
        const history = await withDb((db) => withTemporal((client) => campaignHistory({ db, client }, { campaignId, unitId: values.unit })));
        for (const w of history.warnings) process.stderr.write(`note: ${w}\n`);
        if (o.json) {
          for (const e of history.entries) process.stdout.write(`${JSON.stringify(e)}\n`);
          return 0;
        }
        for (const e of history.entries) {
          const who = e.unit ? ` ${e.unit}${e.deliverable ? `/${e.deliverable}` : ''}` : '';
          process.stdout.write(`${e.at}  [${e.source}]${who}  ${e.summary}${e.actor && e.source === 'duban' ? `  (by ${e.actor})` : ''}\n`);
          if (e.kind === 'notice.sent' && e.detail) {
            process.stdout.write(`    why: ${String(e.detail.reason)}\n    to: ${(e.detail.to as string[]).join(', ')}${(e.detail.cc as string[]).length ? `  cc: ${(e.detail.cc as string[]).join(', ')}` : ''}\n`);
            process.stdout.write(`${String(e.detail.text).replace(/^/gm, '    | ')}\n`);
          }
        }
        return 0;
      }
      case 'interviews': {
        const [campaignId] = need(positionals, 1, 'CAMPAIGN');
        const rows = await withDb(async (db) => {
          await requireCampaign(db, campaignId);
          return db.interview.findMany({ where: { campaignId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
        });
        const lines = rows.map((i) => `${i.createdAt.toISOString().slice(0, 10)}  ${i.unitId}/${i.deliverableId}  ${i.principal}  ${i.status}`);
        o.print(lines.length ? lines.join('\n') : 'no interviews', rows.map((i) => ({ unit: i.unitId, deliverable: i.deliverableId, principal: i.principal, status: i.status, createdAt: i.createdAt.toISOString() })));
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`duban ${command}: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof DubanError) {
      if (o.json) process.stdout.write(`${JSON.stringify({ error: err.code, message: err.message, details: err.details })}\n`);
      process.stderr.write(`duban ${command}: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
      return 1;
    }
    throw err;
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]).replace(/\.ts$/, '') === resolve(new URL(import.meta.url).pathname).replace(/\.ts$/, '');
if (isMain) {
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
