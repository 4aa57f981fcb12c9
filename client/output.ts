// How the CLI writes: human text (Chinese, for the office's clerks), or with --json only JSON on stdout
// (one object, or one per line for lists; stable English keys, read by scripts).
import { PLANNED_NAMES, type PlannedNotice } from '../domain/plan';
import { escalationName, nextStepText } from '../domain/standing';
import type { TimelineEntry } from '../operations/history';
import type { StatusRow } from '../operations/status';

export interface Out {
  json: boolean;
  /** One result: `human` for people, `data` as one JSON object. */
  print(human: string, data: unknown): void;
  /** A list: `human` lines for people, one JSON object per line. */
  list<T>(items: T[], human: (item: T) => string, empty?: string): void;
  warn(message: string): void;
}

export function output(json: boolean): Out {
  const write = (s: string) => process.stdout.write(s);
  return {
    json,
    print(human, data) {
      write(json ? `${JSON.stringify(data)}\n` : `${human}\n`);
    },
    list(items, human, empty) {
      if (json) for (const item of items) write(`${JSON.stringify(item)}\n`);
      else if (items.length === 0 && empty) write(`${empty}\n`);
      else for (const item of items) write(`${human(item)}\n`);
    },
    warn(message) {
      process.stderr.write(`警告：${message}\n`);
    },
  };
}

/** A reader that stops early (`duban history --json | head`) is not an error. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** Columns a terminal gives a character: two for CJK and full-width forms, one otherwise. */
function charWidth(cp: number): number {
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** `s` padded with spaces to `width` terminal columns. */
export function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** Rows of cells aligned in columns two spaces apart, for a terminal that shows Chinese double-width. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : padDisplay(c, widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `duban status` for people: 单位, 报送事项, 截止时间, 状态, 督办等级, 下一步, then what each 报送事项 id stands for. */
export function statusText(status: { campaignId: string; title: string; rows: StatusRow[] }): string {
  const rows = status.rows.map((r) => [
    `${r.unitName}（${r.unit}）`,
    r.deliverable,
    r.due,
    r.stateText,
    r.escalation === 'none' ? '—' : escalationName(r.escalation),
    nextStepText(r.nextStep),
  ]);
  const names = new Map(status.rows.map((r) => [r.deliverable, r.deliverableName]));
  return [
    `${status.campaignId} — ${status.title}`,
    ...table(['单位', '报送事项', '截止时间', '状态', '督办等级', '下一步'], rows),
    ...(status.rows.length === 0 ? ['（没有报送任务）'] : []),
    '',
    ...[...names].map(([id, name]) => `报送事项 ${id}：${name}`),
  ].join('\n');
}

export function printNotices(o: Out, notices: PlannedNotice[]): void {
  o.list(notices, (n) => `${n.at}  ${padDisplay(PLANNED_NAMES[n.action], 10)}  ${n.unit}  ${n.deliverable}`);
  if (!o.json) process.stdout.write(`共 ${notices.length} 份通知\n`);
}

const SOURCE_NAMES: Record<TimelineEntry['source'], string> = { duban: '督办记录', temporal: '工作流' };

export function timelineText(e: TimelineEntry): string {
  const who = e.unit ? ` ${e.unit}${e.deliverable ? `/${e.deliverable}` : ''}` : '';
  const by = e.actor && e.source === 'duban' ? `  （操作人：${e.actor}）` : '';
  const lines = [`${e.at}  [${SOURCE_NAMES[e.source]}]${who}  ${e.summary}${by}`];
  if (e.source === 'duban' && e.kind === 'notice.sent') {
    const d = e.detail;
    lines.push(`    原因：${d.reason}`, `    收件人：${d.to.join('，')}${d.cc.length ? `  抄送：${d.cc.join('，')}` : ''}`, d.text.replace(/^/gm, '    | '));
  }
  return lines.join('\n');
}
