// How the CLI writes: human text, or with --json only JSON on stdout (one object, or one per line for lists).
import type { PlannedNotice } from '../domain/plan';
import type { TimelineEntry } from '../operations/history';

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
      process.stderr.write(`warning: ${message}\n`);
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

export function printNotices(o: Out, notices: PlannedNotice[]): void {
  o.list(notices, (n) => `${n.at}  ${n.action.padEnd(9)}  ${n.unit}  ${n.deliverable}`);
  if (!o.json) process.stdout.write(`${notices.length} notice(s)\n`);
}

export function timelineText(e: TimelineEntry): string {
  const who = e.unit ? ` ${e.unit}${e.deliverable ? `/${e.deliverable}` : ''}` : '';
  const lines = [`${e.at}  [${e.source}]${who}  ${e.summary}${e.actor && e.source === 'duban' ? `  (by ${e.actor})` : ''}`];
  if (e.source === 'duban' && e.kind === 'notice.sent') {
    const d = e.detail;
    lines.push(`    why: ${d.reason}`, `    to: ${d.to.join(', ')}${d.cc.length ? `  cc: ${d.cc.join(', ')}` : ''}`, d.text.replace(/^/gm, '    | '));
  }
  return lines.join('\n');
}
