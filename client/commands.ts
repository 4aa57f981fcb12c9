// Every `duban` command: its usage line, what it does, and how it runs. client/cli.ts dispatches to them.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { officialLetterDocx } from '../letters/docx';
import { progressReport } from '../operations/progress-report';
import { ROLE_NAMES, addOperator, listOperators } from '../access/operators';
import { migrateDatabase } from '../store/migrate';
import { readNewPassword } from './password-input';
import { basename, resolve } from 'node:path';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign, defaultLaunchAt } from '../domain/compile';
import { DubanError } from '../domain/errors';
import { type Assumption, planCampaign } from '../domain/plan';
import type { ObligationEvent } from '../domain/policy';
import { parseInstant } from '../domain/zoned-time';
import { actOnObligation, actionWarnings } from '../operations/actions';
import { type Upload, submitObligation } from '../operations/submissions';
import { readDefinitionFile } from '../operations/definition-file';
import { campaignHistory } from '../operations/history';
import { campaignInterviews } from '../operations/interviews';
import { launchCampaign } from '../operations/launch';
import { decideSignOff, operatorRole, pendingSignOffs } from '../operations/sign-off';
import { campaignStatus } from '../operations/status';
import { loadConfig } from '../platform/config';
import { installQuietRuntime } from '../rehearsal/quiet-runtime';
import { checkRehearsalSmtp } from '../rehearsal/rehearsal-mail';
import { simulateCampaign } from '../rehearsal/simulate';
import { TASK_QUEUE } from '../shared/contract';
import { withDb, withTemporal } from './connections';
import { type Out, printNotices, statusText, timelineText } from './output';

export type Values = Record<string, string | boolean | undefined>;

/** An interview record's status, in words. */
const INTERVIEW_STATUS: Record<string, string> = { to_schedule: '待安排', scheduled: '已安排', held: '已约谈' };

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
    throw new UsageError(`需要参数 ${names.join(' ')}，实际给出 ${inv.positionals.length ? inv.positionals.join(' ') : '无'}`);
  }
  return inv.positionals;
}

function option(inv: Invocation, name: string): string | undefined {
  const v = inv.values[name];
  return typeof v === 'string' ? v : undefined;
}

function requiredOption(inv: Invocation, name: string): string {
  const v = option(inv, name);
  if (!v) throw new UsageError(`${inv.name} 需要 --${name}`);
  return v;
}

function readAssumptions(file: string, timeZone: string): Assumption[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DubanError('INVALID_ARGUMENT', `无法读取 --assume ${file}：${(err as Error).message}`);
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
    if (t === undefined) throw new DubanError('INVALID_ARGUMENT', `--launch-at “${at}”不是日期时间，应形如 2022-10-08T10:00:00+08:00`);
    launchAt = t;
  }
  const assume = option(inv, 'assume');
  const assumptions = assume === undefined ? [] : readAssumptions(assume, def.timeZone);
  return { file, compiled: compileCampaign(def, launchAt), assumptions };
}

/** `submit --file F`: the file's bytes, kept by sha256 under the data directory as the console keeps an upload. */
function submittedFile(inv: Invocation): Upload | undefined {
  const file = option(inv, 'file');
  if (file === undefined) return undefined;
  if (!existsSync(file) || !statSync(file).isFile()) throw new DubanError('INVALID_ARGUMENT', `--file ${file} 不存在或不是文件`);
  return { name: basename(file), bytes: readFileSync(file) };
}

function obligationEvent(inv: Invocation): ObligationEvent {
  switch (inv.name) {
    case 'submit':
      return { kind: 'submit' };
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
  const upload = inv.name === 'submit' ? submittedFile(inv) : undefined;
  const config = loadConfig();
  const { state, warnings } = await withDb(async (db) => ({
    state: await withTemporal((client) =>
      inv.name === 'submit'
        ? submitObligation({ client, db, dataDir: config.dataDir, maxUploadBytes: config.maxUploadBytes, searchAttributes: config.searchAttributes }, { ...args, upload })
        : actOnObligation({ client, db, taskQueue: TASK_QUEUE, searchAttributes: config.searchAttributes }, args),
    ),
    warnings: await actionWarnings(db, args),
  }));
  for (const w of warnings) inv.out.warn(w);
  const what = `${unitId}/${deliverableId}`;
  const human =
    state.status === 'submitted'
      ? `${what}：已登记报送（${state.lateWorkingDays ? `逾期${state.lateWorkingDays}个工作日` : '按时'}）`
      : state.status === 'waived'
        ? `${what}：已免报`
        : `${what}：截止日期改为 ${state.deadline}，提醒和督办从新的截止日期重新开始`;
  inv.out.print(human, { campaign: campaignId, unit: unitId, deliverable: deliverableId, ...state, warnings });
}

export const COMMANDS: Record<string, Command> = {
  validate: {
    usage: 'FILE',
    does: '检查专项行动定义文件，不启动任何内容',
    async run(inv) {
      const [file] = need(inv, ['FILE']);
      const { def } = readDefinitionFile(file);
      const compiled = compileCampaign(def, Date.now());
      for (const w of compiled.warnings) inv.out.warn(`${file}：${w}`);
      const counts = { units: def.units.length, stages: def.stages.length, deliverables: def.deliverables.length, obligations: compiled.obligations.length };
      inv.out.print(
        `${file}：有效 — ${def.id}：${counts.units} 个单位，${counts.stages} 个阶段，${counts.deliverables} 个报送事项，${counts.obligations} 项报送任务`,
        { file, valid: true, campaign: def.id, ...counts, warnings: compiled.warnings },
      );
    },
  },
  plan: {
    usage: 'FILE [--assume F] [--launch-at TIME]',
    does: '列出专项行动将发出的每一份通知（无需服务器）',
    async run(inv) {
      const { compiled, assumptions } = planInputs(inv);
      for (const w of compiled.warnings) inv.out.warn(w);
      printNotices(inv.out, planCampaign(compiled, assumptions));
    },
  },
  simulate: {
    usage: 'FILE [--assume F] [--launch-at TIME] [--smtp URL [--allow-remote-smtp]]',
    does: '在时间跳跃的服务器上用真实工作流预演',
    async run(inv) {
      const smtpUrl = option(inv, 'smtp');
      const allowRemoteSmtp = inv.values['allow-remote-smtp'] === true;
      checkRehearsalSmtp(smtpUrl, allowRemoteSmtp); // before anything is read or started
      const { file, compiled, assumptions } = planInputs(inv);
      installQuietRuntime();
      const notices = await simulateCampaign({
        file,
        compiled,
        assumptions,
        smtpUrl,
        allowRemoteSmtp,
        onProgress: inv.out.json ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
      for (const w of compiled.warnings) inv.out.warn(w);
      printNotices(inv.out, notices);
    },
  },
  launch: {
    usage: 'FILE [--allow-past]',
    does: '启动专项行动（重复启动不会再启动任何内容）',
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
      for (const w of result.warnings) inv.out.warn(`${file}：${w}`);
      inv.out.print(result.message, result);
    },
  },
  status: {
    usage: 'CAMPAIGN',
    does: '每个单位每项报送事项的状态、督办等级和下一步',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const status = await withDb((db) => campaignStatus(db, campaignId));
      inv.out.print(statusText(status), status);
    },
  },
  submit: { usage: 'CAMPAIGN UNIT DELIVERABLE [--file PATH]', does: '登记报送', run: obligationAction },
  extend: { usage: 'CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT', does: '延期：设定新的截止日期', run: obligationAction },
  waive: { usage: 'CAMPAIGN UNIT DELIVERABLE --reason TEXT', does: '免报：该单位不再需要报送', run: obligationAction },
  return: { usage: 'CAMPAIGN UNIT DELIVERABLE --to DATE --reason TEXT', does: '退回修改，并设定新的截止日期', run: obligationAction },
  history: {
    usage: 'CAMPAIGN [--unit UNIT]',
    does: '通知、操作和工作流事件的时间线',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const unitId = option(inv, 'unit');
      const history = await withDb((db) => withTemporal((client) => campaignHistory({ db, client }, { campaignId, unitId })));
      for (const w of history.warnings) process.stderr.write(`说明：${w}\n`);
      inv.out.list(history.entries, timelineText);
    },
  },
  interviews: {
    usage: 'CAMPAIGN',
    does: '约谈通知产生的约谈记录（待安排）',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const rows = await withDb((db) => campaignInterviews(db, campaignId));
      inv.out.list(rows, (i) => `${i.createdAt.slice(0, 10)}  ${i.unit}/${i.deliverable}  ${i.principal}  ${INTERVIEW_STATUS[i.status] ?? i.status}`, '暂无约谈记录');
    },
  },
  signoff: {
    usage: 'CAMPAIGN | approve KEY --by NAME | withdraw KEY --reason TEXT --by NAME',
    does: '签发：列出待签发的通报（含全文预览）；由领导或管理员（--by 其账号名）签发或撤回',
    async run(inv) {
      const [verb, key, ...extra] = inv.positionals;
      if (verb !== 'approve' && verb !== 'withdraw') {
        const [campaignId] = need(inv, ['CAMPAIGN']);
        const rows = await withDb((db) => pendingSignOffs(db, campaignId));
        inv.out.list(
          rows,
          (p) =>
            `${p.key}\n  ${p.subject}\n  待签发自 ${p.preparedAt}，列 ${p.listed.length} 项：${p.listed.map((o) => (o.deliverableId.startsWith('隐患/') ? `${o.unitName}${o.deliverableName}` : o.unitName)).join('、')}\n\n${p.text
              .split('\n')
              .map((l) => `    ${l}`)
              .join('\n')}\n`,
          '没有待签发的文书',
        );
        return;
      }
      if (!key || extra.length) throw new UsageError(`用法：signoff ${verb} KEY${verb === 'withdraw' ? ' --reason TEXT' : ''} --by NAME`);
      const name = option(inv, 'by') ?? loadConfig().operator;
      const reason = verb === 'withdraw' ? requiredOption(inv, 'reason') : undefined;
      const decision = await withDb(async (db) => {
        const role = await operatorRole(db, name);
        return withTemporal((client) => decideSignOff({ client, db }, { key, decision: verb, actor: `operator:${name}`, role, ...(reason ? { reason } : {}) }));
      });
      inv.out.print(verb === 'approve' ? `${key}：已签发，即将发出（落款日期为今天）` : `${key}：已撤回，不会发出`, { key, ...decision });
    },
  },
  report: {
    usage: 'CAMPAIGN [--date YYYY-MM-DD] [--docx FILE]',
    does: '报送情况通报：截至某日（默认今天）各单位按时、逾期、未报送的情况，按排名列出；--docx 另存为公文',
    async run(inv) {
      const [campaignId] = need(inv, ['CAMPAIGN']);
      const report = await withDb((db) => progressReport(db, campaignId, option(inv, 'date')));
      const docx = option(inv, 'docx');
      if (docx) writeFileSync(docx, await officialLetterDocx(report.letter));
      inv.out.print(report.text.trimEnd(), { asOf: report.asOf, ...report.letter, ...(docx ? { docx } : {}) });
    },
  },
  user: {
    usage: 'add NAME --role clerk|leader|admin [--display-name 姓名] | list',
    does: '工作台账号：添加（密码从标准输入读取）或列出',
    async run(inv) {
      const [verb, name, ...extra] = inv.positionals;
      const config = loadConfig();
      mkdirSync(config.dataDir, { recursive: true });
      await migrateDatabase(config.databaseUrl); // the first account may come before the first `npm start`
      if (verb === 'list' && name === undefined) {
        const rows = await withDb((db) => listOperators(db));
        inv.out.list(rows, (o) => `${o.name}  ${o.displayName}  ${ROLE_NAMES[o.role]}  ${o.createdAt.slice(0, 10)}`, '还没有账号');
        return;
      }
      if (verb !== 'add' || !name || extra.length) throw new UsageError('用法：user add NAME --role clerk|leader|admin，或 user list');
      const role = requiredOption(inv, 'role');
      const password = await readNewPassword();
      const added = await withDb((db) => addOperator(db, { name, displayName: option(inv, 'display-name'), role, password, createdBy: `cli:${config.operator}` }));
      inv.out.print(`已添加账号 ${added.name}（${ROLE_NAMES[added.role]}）。启动 npm start 后在 http://127.0.0.1:${config.webPort} 登录`, added);
    },
  },
};
