// `duban hazards …`: the 隐患整改台账 from the command line — import, export, status, statistics, and one verb per
// change of a hazard or its 挂牌督办. Chinese for people, --json with English keys for scripts.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DubanError } from '../domain/errors';
import {
  HAZARD_LEVEL_NAMES,
  HAZARD_STATUS_NAMES,
  HELD_LETTER_NAMES,
  LISTING_LEVELS,
  type HazardEvent,
  type HazardLevel,
  type HazardStatus,
  type ListingEvent,
  type ListingLevel,
  listingLabel,
} from '../domain/hazards';
import {
  type HazardDeps,
  type HazardDetail,
  type HazardFilters,
  type HazardStatistics,
  type HazardSummary,
  LEADER_CHANGES,
  actOnHazard,
  actOnHazardListing,
  closeHazardPeriod,
  exportHazards,
  hazardDetail,
  hazardList,
  hazardStatistics,
  hazardStatisticsWorkbook,
  importHazards,
  keepEvidence,
  listHazardForSupervision,
  ratePercent as percent,
  wakeHazardChases,
} from '../operations/hazards';
import { operatorRole } from '../operations/sign-off';
import { loadConfig } from '../platform/config';
import { TASK_QUEUE } from '../shared/contract';
import type { Db } from '../store/db';
import type { Command, Invocation } from './commands';
import { UsageError } from './commands';
import { withDb, withTemporal } from './connections';

const opt = (inv: Invocation, name: string): string | undefined => {
  const v = inv.values[name];
  return typeof v === 'string' ? v : undefined;
};
const req = (inv: Invocation, name: string, what: string): string => {
  const v = opt(inv, name);
  if (v === undefined || v.trim() === '') throw new UsageError(`hazards ${inv.positionals[0]} 需要 --${name}（${what}）`);
  return v;
};
const flag = (inv: Invocation, name: string) => inv.values[name] === true;

function number(inv: Invocation, name: string, what: string): number | undefined {
  const v = opt(inv, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new DubanError('INVALID_ARGUMENT', `--${name} “${v}”不是数（${what}）`);
  return n;
}

function readUpload(path: string | undefined): { name: string; bytes: Buffer }[] {
  if (path === undefined) return [];
  if (!existsSync(path) || !statSync(path).isFile()) throw new DubanError('INVALID_ARGUMENT', `--file ${path} 不存在或不是文件`);
  return [{ name: basename(path), bytes: readFileSync(path) }];
}

function filtersOf(inv: Invocation): HazardFilters {
  return {
    townId: opt(inv, 'town'),
    departmentId: opt(inv, 'department'),
    level: opt(inv, 'level') as HazardLevel | undefined,
    status: opt(inv, 'status')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) as HazardStatus[] | undefined,
    overdue: flag(inv, 'overdue') || undefined,
    listed: flag(inv, 'listed') || undefined,
    text: opt(inv, 'text'),
    awaitingSignOff: flag(inv, 'awaiting-sign-off') || undefined,
  };
}

/** Runs `fn` with the database and Temporal (each change wakes the hazard's chase). */
async function withDeps<T>(fn: (deps: HazardDeps, db: Db) => Promise<T>, temporal = true): Promise<T> {
  const config = loadConfig();
  return withDb((db) =>
    temporal ? withTemporal((client) => fn({ db, client, taskQueue: TASK_QUEUE, dataDir: config.dataDir }, db)) : fn({ db, dataDir: config.dataDir }, db),
  );
}

/** 通报、约谈通知 */
const heldNames = (h: HazardSummary) => h.awaitingSignOff.map((k) => HELD_LETTER_NAMES[k]).join('、');

/** 【待签发：约谈通知】【指令书未签收：市应急管理局，已3个工作日】 — what waits on someone, for the line of the list. */
function marksOf(h: HazardSummary): string {
  const held = h.awaitingSignOff.length ? `【待签发：${heldNames(h)}】` : '';
  const o = h.unsignedOrder;
  return `${held}${o ? `【指令书未签收：${o.units.map((u) => u.name).join('、')}，已${o.workingDays}个工作日】` : ''}`;
}

function summaryLine(h: HazardSummary): string {
  const late = h.overdueWorkingDays > 0 ? `，逾期${h.overdueWorkingDays}个工作日` : '';
  const listed = h.listing?.status === 'listed' ? '【挂牌】' : '';
  return `${String(h.serial).padStart(4)}  ${HAZARD_STATUS_NAMES[h.status]}  ${HAZARD_LEVEL_NAMES[h.level]}${listed}  ${h.townName}／${h.departmentName}  ${h.site}：${h.description}（时限 ${h.deadline}${late}）${marksOf(h)}`;
}

function detailText(d: HazardDetail): string {
  const h = d.summary;
  const lines = [
    `隐患 ${h.serial}：${h.site}：${h.description}`,
    `  ${HAZARD_LEVEL_NAMES[h.level]}隐患，${HAZARD_STATUS_NAMES[h.status]}；属地 ${h.townName}，行业主管部门 ${h.departmentName}；责任人 ${h.responsible}`,
    `  整改时限 ${h.deadline}${h.deadline !== h.originalDeadline ? `（原 ${h.originalDeadline}）` : ''}${h.overdueWorkingDays ? `，逾期${h.overdueWorkingDays}个工作日` : ''}${
      d.acceptanceDue ? `；验收期限 ${d.acceptanceDue}` : ''
    }；第 ${h.version} 版`,
  ];
  if (h.awaitingSignOff.length) lines.push(`  待签发：${heldNames(h)}（须经领导签发后发出）`);
  const o = h.unsignedOrder;
  if (o) lines.push(`  限期整改指令书（${o.documentNumber}）${o.sentOn} 送达，未签收：${o.units.map((u) => u.name).join('、')}（已${o.workingDays}个工作日）`);
  for (const r of d.state.rounds)
    lines.push(
      `  第${r.round}轮：${r.startedOn} 开始，时限 ${r.deadline}${r.report ? `；${r.report.on} 报告完成：${r.report.done}` : ''}${
        r.acceptance ? `；${r.acceptance.on} 验收${r.acceptance.result === 'pass' ? '合格' : `不合格（${r.acceptance.opinion}）`}，验收人 ${r.acceptance.by}` : ''
      }`,
    );
  for (const l of d.listings) lines.push(`  ${listingLabel(l)}`);
  lines.push(...lettersText(d));
  lines.push('  记录：');
  for (const e of d.history) lines.push(`    ${e.at}  ${e.actorName}  ${e.summary}`);
  return lines.join('\n');
}

/** The letters of its chase (time, kind, 发文字号, subject, to whom) and the next one. */
function lettersText(d: HazardDetail): string[] {
  const n = d.nextLetter;
  const next = n
    ? `  下一份文书：${n.kindName}${n.statusName ? `（${n.statusName}）` : ''}，${n.at}，发送给${n.recipients.join('、')}（${n.reason}）`
    : `  暂无待发文书${d.noNextLetter ? `（${d.noNextLetter}）` : ''}`;
  if (d.letters.length === 0) return [next, '  文书：尚未发出'];
  return [
    next,
    '  文书：',
    ...d.letters.map(
      (l) =>
        `    ${l.sentAt ?? l.scheduledAt}  ${l.kindName}${l.status === 'sent' ? '' : `（${l.statusName}）`}  ${l.documentNumber ? `${l.documentNumber}  ` : ''}${l.subject}  → ${
          l.recipients.join('、') || '—'
        }`,
    ),
  ];
}

function statsText(s: HazardStatistics): string {
  const line = (name: string, f: HazardStatistics['total']) =>
    `  ${name.padEnd(14, '　')} 发现 ${f.found}，已整改 ${f.rectified}，未整改 ${f.notRectified}，超期 ${f.overdue}，整改率 ${percent(f.rectificationRate)}，按期整改率 ${percent(
      f.onTimeRate,
    )}，重大 ${f.major}（销号率 ${percent(f.majorClosureRate)}），挂牌 ${f.listed}`;
  return [
    `${s.title} 隐患排查治理统计（${s.periodLabel}${s.closed ? `，已关账 ${s.closed.at}` : `，截至 ${s.asOf}`}）`,
    '按属地：',
    ...s.byTown.map((r) => line(r.unitName, r)),
    '按行业主管部门：',
    ...s.byDepartment.filter((r) => r.found > 0).map((r) => line(r.unitName, r)),
    line('合计', s.total),
  ].join('\n');
}

type Verb = (inv: Invocation, campaignId: string, rest: string[]) => Promise<void>;

const ONE: (name: string) => (rest: string[]) => string = (name) => (rest) => {
  if (rest.length !== 1) throw new UsageError(`hazards ${name} 需要 CAMPAIGN 和隐患序号`);
  return rest[0];
};

/** A change of the hazard: who acts, with the role their account has where the change needs a leader. */
async function change(inv: Invocation, campaignId: string, hazardId: string, kind: string, run: (deps: HazardDeps, actor: string, role: string) => Promise<HazardDetail>) {
  const name = opt(inv, 'by') ?? loadConfig().operator;
  const detail = await withDeps(async (deps, db) => {
    const role = (LEADER_CHANGES as readonly string[]).includes(kind) ? await operatorRole(db, name) : 'clerk';
    return run(deps, name, role);
  });
  inv.out.print(detailText(detail), detail);
}

const expected = (inv: Invocation) => number(inv, 'version', '您看到的版本号');

const VERBS: Record<string, { usage: string; run: Verb }> = {
  import: {
    usage: 'import CAMPAIGN FILE.xlsx',
    async run(inv, campaignId, rest) {
      if (rest.length !== 1) throw new UsageError('hazards import 需要 CAMPAIGN 和 FILE.xlsx');
      const [file] = rest;
      if (!existsSync(file) || !statSync(file).isFile()) throw new DubanError('INVALID_ARGUMENT', `${file} 不存在或不是文件`);
      const actor = opt(inv, 'by') ?? loadConfig().operator;
      const result = await withDeps((deps) => importHazards(deps, { campaignId, bytes: readFileSync(file), fileName: basename(file), actor }));
      inv.out.print(
        `${file}：读取 ${result.rows} 行，新增 ${result.created.length} 处隐患${result.unchanged.length ? `，${result.unchanged.length} 处已在台账中（未改动）` : ''}`,
        result,
      );
    },
  },
  export: {
    usage: 'export CAMPAIGN --out FILE.xlsx [筛选]',
    async run(inv, campaignId, rest) {
      if (rest.length) throw new UsageError(`多余的参数 ${rest.join(' ')}`);
      const out = req(inv, 'out', '导出的 .xlsx 文件');
      const result = await withDeps((deps) => exportHazards(deps, { campaignId, filters: filtersOf(inv) }), false);
      writeFileSync(out, result.bytes);
      inv.out.print(`已导出 ${result.rows} 处隐患到 ${out}`, { campaign: campaignId, out, rows: result.rows });
    },
  },
  status: {
    usage: 'status CAMPAIGN [--town T] [--department D] [--level general|major] [--status S,…] [--overdue] [--listed] [--awaiting-sign-off] [--text 文字] [--page N] [--page-size N]',
    async run(inv, campaignId, rest) {
      if (rest.length) throw new UsageError(`多余的参数 ${rest.join(' ')}`);
      const page = await withDeps(
        (deps) => hazardList(deps, { campaignId, filters: filtersOf(inv), page: number(inv, 'page', '页码'), pageSize: number(inv, 'page-size', '每页条数') }),
        false,
      );
      const counts = Object.entries(page.byStatus)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${HAZARD_STATUS_NAMES[s as HazardStatus]} ${n}`)
        .join('，');
      const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
      inv.out.print(
        [`${page.title} 隐患整改台账（${page.today}）：共 ${page.total} 处${counts ? `（${counts}）` : ''}，第 ${page.page}/${pages} 页`, ...page.items.map(summaryLine)].join('\n'),
        page,
      );
    },
  },
  show: {
    usage: 'show CAMPAIGN ID',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('show')(rest);
      const detail = await withDeps((deps) => hazardDetail(deps, { campaignId, hazardId }), false);
      inv.out.print(detailText(detail), detail);
    },
  },
  stats: {
    usage: 'stats CAMPAIGN [--period 2022-10|2022Q4] [--out F.xlsx] [--close]',
    async run(inv, campaignId, rest) {
      if (rest.length) throw new UsageError(`多余的参数 ${rest.join(' ')}`);
      const period = opt(inv, 'period');
      if (flag(inv, 'close') && !period) throw new UsageError('hazards stats --close 需要 --period（关账的月份或季度）');
      const actor = opt(inv, 'by') ?? loadConfig().operator;
      const outFile = opt(inv, 'out');
      const stats = await withDeps(async (deps) => {
        if (flag(inv, 'close')) await closeHazardPeriod(deps, { campaignId, period: period!, actor });
        if (outFile) {
          const x = await hazardStatisticsWorkbook(deps, { campaignId, period });
          writeFileSync(outFile, x.bytes);
          return x.stats;
        }
        return hazardStatistics(deps, { campaignId, period });
      }, false);
      inv.out.print(`${statsText(stats)}${outFile ? `\n已保存到 ${outFile}` : ''}`, { ...stats, ...(outFile ? { out: outFile } : {}) });
    },
  },
  wake: {
    usage: 'wake CAMPAIGN',
    async run(inv, campaignId, rest) {
      if (rest.length) throw new UsageError(`多余的参数 ${rest.join(' ')}`);
      const r = await withDeps((deps) => wakeHazardChases(deps, campaignId));
      inv.out.print(`已唤醒 ${r.woken}/${r.hazards} 处未销号（或仍挂牌）隐患的督办流程`, { campaign: campaignId, ...r });
    },
  },
  plan: {
    usage: 'plan CAMPAIGN ID --measures 措施 --responsibility 责任 --funds 万元 --deadline 时限 --contingency 预案 [--file F]',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('plan')(rest);
      const uploads = readUpload(opt(inv, 'file'));
      await change(inv, campaignId, hazardId, 'plan', async (deps, actor, role) => {
        const files = await keepEvidence(deps, uploads);
        const fundsWan = number(inv, 'funds', '资金到位，万元');
        const plan = {
          measures: opt(inv, 'measures') ?? '',
          responsibility: opt(inv, 'responsibility') ?? '',
          fundsWan: fundsWan as number,
          deadline: opt(inv, 'deadline') ?? '',
          contingency: opt(inv, 'contingency') ?? '',
          ...(files.length ? { files } : {}),
        };
        return actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: { kind: 'plan', plan, by: actor } });
      });
    },
  },
  start: {
    usage: 'start CAMPAIGN ID',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('start')(rest);
      await change(inv, campaignId, hazardId, 'start', (deps, actor, role) =>
        actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: { kind: 'start', by: actor } }),
      );
    },
  },
  done: {
    usage: 'done CAMPAIGN ID --text 整改情况 --file F',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('done')(rest);
      const uploads = readUpload(opt(inv, 'file'));
      await change(inv, campaignId, hazardId, 'report_done', async (deps, actor, role) => {
        const files = await keepEvidence(deps, uploads);
        return actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: { kind: 'report_done', done: opt(inv, 'text') ?? '', files, by: actor } });
      });
    },
  },
  accept: {
    usage: 'accept CAMPAIGN ID --result pass|fail --acceptor 验收人 --file F [--on 验收日期] [--opinion 意见] [--deadline 重新整改时限]',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('accept')(rest);
      const result = req(inv, 'result', 'pass 合格 或 fail 不合格');
      if (result !== 'pass' && result !== 'fail') throw new UsageError(`--result 应为 pass（合格）或 fail（不合格），实际为“${result}”`);
      const uploads = readUpload(opt(inv, 'file'));
      await change(inv, campaignId, hazardId, 'accept', async (deps, actor, role) => {
        const files = await keepEvidence(deps, uploads);
        const on = opt(inv, 'on') ?? '';
        const event: HazardEvent = {
          kind: 'accept',
          by: req(inv, 'acceptor', '验收人，不能是整改责任人'),
          on,
          result,
          files,
          ...(opt(inv, 'opinion') ? { opinion: opt(inv, 'opinion') } : {}),
          ...(opt(inv, 'deadline') ? { newDeadline: opt(inv, 'deadline') } : {}),
        };
        return actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event });
      });
    },
  },
  extend: {
    usage: 'extend CAMPAIGN ID --to 新时限 --reason 理由 --by 领导账号',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('extend')(rest);
      await change(inv, campaignId, hazardId, 'extend', (deps, actor, role) =>
        actOnHazard(deps, {
          campaignId,
          hazardId,
          actor,
          role,
          expectedVersion: expected(inv),
          event: { kind: 'extend', to: req(inv, 'to', '新的整改时限'), reason: req(inv, 'reason', '延期理由'), approvedBy: actor },
        }),
      );
    },
  },
  cancel: {
    usage: 'cancel CAMPAIGN ID --reason 理由',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('cancel')(rest);
      await change(inv, campaignId, hazardId, 'cancel', (deps, actor, role) =>
        actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: { kind: 'cancel', reason: req(inv, 'reason', '撤销理由'), by: actor } }),
      );
    },
  },
  edit: {
    usage: 'edit CAMPAIGN ID [--description 描述] [--measures 措施] [--site 场所] [--responsible 责任人] [--funds 万元]',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('edit')(rest);
      const changes = {
        ...(opt(inv, 'description') !== undefined ? { description: opt(inv, 'description') } : {}),
        ...(opt(inv, 'measures') !== undefined ? { measures: opt(inv, 'measures') } : {}),
        ...(opt(inv, 'site') !== undefined ? { site: opt(inv, 'site') } : {}),
        ...(opt(inv, 'responsible') !== undefined ? { responsible: opt(inv, 'responsible') } : {}),
        ...(opt(inv, 'funds') !== undefined ? { fundsWan: number(inv, 'funds', '整改资金，万元') } : {}),
      };
      await change(inv, campaignId, hazardId, 'edit', (deps, actor, role) =>
        actOnHazard(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: { kind: 'edit', changes, by: actor } }),
      );
    },
  },
  list: {
    usage: 'list CAMPAIGN ID --level county|city|province --document-number 文号 [--on 挂牌日期]',
    async run(inv, campaignId, rest) {
      const hazardId = ONE('list')(rest);
      const level = req(inv, 'level', '挂牌级别 county 县级、city 市级 或 province 省级');
      if (!(LISTING_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--level 应为 county（县级）、city（市级）或 province（省级），实际为“${level}”`);
      await change(inv, campaignId, hazardId, 'list', (deps, actor, role) =>
        listHazardForSupervision(deps, {
          campaignId,
          hazardId,
          actor,
          role,
          expectedVersion: expected(inv),
          level: level as ListingLevel,
          documentNumber: req(inv, 'document-number', '挂牌督办的文号'),
          ...(opt(inv, 'on') ? { listedOn: opt(inv, 'on') } : {}),
        }),
      );
    },
  },
  sign: listingVerb('sign CAMPAIGN ID --unit 单位 --signer 签收人', 'sign', (inv) => ({ kind: 'sign', unitId: req(inv, 'unit', '签收的单位'), by: req(inv, 'signer', '签收人') })),
  announce: listingVerb('announce CAMPAIGN ID --on 公告日期', 'announce', (inv) => ({ kind: 'announce', on: req(inv, 'on', '公告日期') })),
  'request-extension': listingVerb('request-extension CAMPAIGN ID --to 日期 --reason 理由 --requester 申请人', 'request_extension', (inv) => ({
    kind: 'request_extension',
    to: req(inv, 'to', '申请延至的日期'),
    reason: req(inv, 'reason', '申请理由'),
    by: req(inv, 'requester', '申请人'),
  })),
  'decide-extension': listingVerb('decide-extension CAMPAIGN ID --approve|--refuse --reason 意见 --by 领导账号', 'decide_extension', (inv, actor) => {
    if (flag(inv, 'approve') === flag(inv, 'refuse')) throw new UsageError('hazards decide-extension 需要 --approve（批准）或 --refuse（不批准）之一');
    return { kind: 'decide_extension', approved: flag(inv, 'approve'), reason: req(inv, 'reason', '决定意见'), by: actor };
  }),
  delist: listingVerb('delist CAMPAIGN ID --by 领导账号 [--document-number 摘牌文号] [--opinion 意见]', 'delist', (inv, actor) => ({
    kind: 'delist',
    approvedBy: actor,
    ...(opt(inv, 'document-number') ? { documentNumber: opt(inv, 'document-number') } : {}),
    ...(opt(inv, 'opinion') ? { opinion: opt(inv, 'opinion') } : {}),
  })),
  revoke: listingVerb('revoke CAMPAIGN ID --reason 理由', 'revoke', (inv, actor) => ({ kind: 'revoke', reason: req(inv, 'reason', '撤销挂牌的理由'), by: actor })),
};

function listingVerb(usage: string, kind: ListingEvent['kind'], event: (inv: Invocation, actor: string) => ListingEvent): { usage: string; run: Verb } {
  return {
    usage,
    async run(inv, campaignId, rest) {
      const hazardId = ONE(usage.split(' ')[0])(rest);
      await change(inv, campaignId, hazardId, kind, (deps, actor, role) =>
        actOnHazardListing(deps, { campaignId, hazardId, actor, role, expectedVersion: expected(inv), event: event(inv, actor) }),
      );
    },
  };
}

export const HAZARD_VERBS = Object.keys(VERBS);

export const HAZARDS_COMMAND: Command = {
  usage: `${HAZARD_VERBS.join('|')} CAMPAIGN …`,
  does: '隐患整改台账：导入、导出、状态、统计（--period、--close 关账），每项整改与挂牌督办操作；只输入 hazards 列出每项操作的用法',
  async run(inv) {
    const [verb, campaignId, ...rest] = inv.positionals;
    const v = verb ? VERBS[verb] : undefined;
    if (!v) throw new UsageError(`${verb ? `未知的 hazards 操作“${verb}”` : '需要操作'}；可用：\n${Object.values(VERBS).map((x) => `  hazards ${x.usage}`).join('\n')}`);
    if (!campaignId) throw new UsageError(`用法：hazards ${v.usage}`);
    await v.run(inv, campaignId, rest);
  },
};
