// burst N: how fast duban gets N letters out when they all fall due in the same minute M, against bare
// Temporal on an identically started dev server, in one run. Lag = the time the sink received a letter − M.
// First the baseline (bench/bare: N workflows sleep to M, then one activity sends one mail with
// nodemailer), then duban (a generated N-unit campaign whose one reminder is at M, launched with the real
// clock on the real worker). Each side has its own dev server, sink (a child process: bench/sink-child.ts) and database, stopped before the
// next starts. Timings are reported, never judged; only the correctness checks decide the exit code.
import { cpus, loadavg, totalmem } from 'node:os';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runBare, sameLetter } from './burst-bare';
import { type SideResult, cpuPerLetter, iso, lagStats, s } from './burst-common';
import { runDuban } from './burst-duban';
import { type Options, UsageError } from './scenario';

/** duban's launch + first tasks are expected to take at most this many times the bare side's starts + first tasks. */
const DUBAN_READY_FACTOR = 3;

export const BURST_USAGE = [
  '  burst N [--bare-same-letter] [--rounds K] [--profile]',
  '                N letters fall due in the same minute M: bare Temporal (N workflows sleep to M, then',
  '                one activity sends one mail) against duban (an N-unit campaign whose one reminder is',
  '                at M, on the real worker), each on a fresh dev server started as `npm start` does;',
  '                prints p50 / p99 / max lag after M, letters per second and the ratios duban/bare;',
  '                checks exactly N letters with no duplicate Message-ID / X-Duban-Key',
  '    --bare-same-letter  bare\'s mail carries duban\'s letter (a 提醒 of the 洮南 example: its text and',
  '                its .docx, made once), as big as duban\'s, instead of one line: the same mail, without',
  '                duban\'s work for it',
  '    --rounds K  K pairs, bare then duban each time (default 1), and the median of their ratios: on a',
  '                machine whose speed drifts (a shared host), one pair can land on a fast and a slow spell',
  '    --profile   CPU-profile this process (the duban worker) during duban\'s burst: writes a',
  '                .cpuprofile and prints the top functions by self and inclusive time',
];

function parseArgs(o: Options): { n: number; sameLetter: boolean; rounds: number } {
  if (o.timeSkipping) throw new UsageError('burst runs on dev servers: --time-skipping does not apply');
  const args = [...o.args];
  let rounds = 1;
  const at = args.indexOf('--rounds');
  if (at >= 0) {
    const k = args[at + 1];
    if (!k || !/^\d+$/.test(k) || Number(k) < 1) throw new UsageError(`--rounds needs the number of pairs, a whole number ≥ 1, got ${JSON.stringify(k ?? '')}`);
    rounds = Number(k);
    args.splice(at, 2);
  }
  const sameLetter = args.includes('--bare-same-letter');
  const [v, ...rest] = args.filter((a) => a !== '--bare-same-letter');
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (!v || !/^\d+$/.test(v) || Number(v) < 2) throw new UsageError(`burst needs the number of letters N, a whole number ≥ 2, got ${JSON.stringify(v ?? '')}`);
  return { n: Number(v), sameLetter, rounds };
}

export async function burst(o: Options): Promise<boolean> {
  const { n, sameLetter: same, rounds } = parseArgs(o);
  // The workers' state changes are logged at INFO; warnings and errors still show. Same for both sides.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cpu = cpus();
  console.log(
    `bench burst ${n} — node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other processes skew timings)`,
  );
  const letter = same ? await sameLetter() : undefined;
  const pairs: { bare: SideResult; duban: SideResult }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const of = rounds > 1 ? ` — round ${round} of ${rounds}` : '';
    console.log(
      `\n(1) bare Temporal${of}: ${n} workflows sleep until minute M, then one activity sends one mail` +
        (letter ? ` carrying duban's letter (${Buffer.byteLength(letter.text)} bytes of text, a ${letter.attachment.content.length}-byte .docx, made once)` : ''),
    );
    const bare = await runBare(n, letter);
    // duban's launch stores the campaign and starts the workflows from activities, 200 at a time: give it
    // a few times what the bare starts took before choosing its M.
    const bareReady = bare.startMs + (bare.firstTasksMs ?? 0);
    console.log(`\n(2) duban${of}: a ${n}-unit campaign whose one reminder is at minute M, launched on the real clock`);
    const duban = await runDuban({ n, readyEstimateMs: 10_000 + DUBAN_READY_FACTOR * bareReady, profile: o.profile });
    report(bare, duban);
    pairs.push({ bare, duban });
  }
  if (pairs.length > 1) summary(pairs);
  return verdict(pairs.flatMap((p) => [p.bare, p.duban]));
}

/** Each pair's letters per second and ratio, and the median ratio. */
function summary(pairs: { bare: SideResult; duban: SideResult }[]): void {
  console.log(`\n${pairs.length} rounds (letters per second, bare / duban, and duban/bare):`);
  const ratios = pairs.map(({ bare, duban }, i) => {
    const b = lagStats(bare).perSecond;
    const d = lagStats(duban).perSecond;
    console.log(`  round ${i + 1}: ${b.toFixed(1).padStart(7)} / ${d.toFixed(1).padStart(7)}   ${(d / b).toFixed(2)}`);
    return d / b;
  });
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(`  median ratio duban/bare: ${median.toFixed(2)} (lowest ${sorted[0].toFixed(2)}, highest ${sorted[sorted.length - 1].toFixed(2)})`);
}

function report(bare: SideResult, duban: SideResult): void {
  const b = lagStats(bare);
  const d = lagStats(duban);
  const row = (label: string, x: string, y: string) => console.log(`  ${label.padEnd(30)}${x.padStart(22)}${y.padStart(22)}`);
  console.log(`\nresults (lag = time the sink received a letter − M; N = ${bare.n})`);
  row('', 'bare Temporal', 'duban');
  row('minute M', iso(bare.minute), iso(duban.minute));
  row('starts / launch took', s(bare.startMs), s(duban.startMs));
  const ready = (r: SideResult) => (r.firstTasksMs === undefined ? 'NOT all' : s(r.firstTasksMs));
  row('then first tasks all run in', ready(bare), ready(duban));
  row('all waiting on timers before M', s(bare.marginMs), s(duban.marginMs));
  row('letters after M', `${b.count}/${bare.n}`, `${d.count}/${duban.n}`);
  row('lag first letter', s(b.first), s(d.first));
  row('lag p50', s(b.p50), s(d.p50));
  row('lag p99', s(b.p99), s(d.p99));
  row('lag max (last letter)', s(b.max), s(d.max));
  row('letters per second', b.perSecond.toFixed(1), d.perSecond.toFixed(1));
  const meanKb = (r: SideResult) => {
    const sizes = r.letters.map((l) => l.mail.size ?? 0);
    return sizes.length ? `${(sizes.reduce((a, x) => a + x, 0) / sizes.length / 1024).toFixed(1)} KB` : '-';
  };
  row('mean message size', meanKb(bare), meanKb(duban));
  row('load average (1 min) at M', bare.loadAtM.toFixed(2), duban.loadAtM.toFixed(2));
  row('load average (1 min) after', bare.loadAfter.toFixed(2), duban.loadAfter.toFixed(2));
  const rate = d.perSecond / b.perSecond;
  console.log(
    `\nratios duban/bare: letters per second ${rate.toFixed(2)} (${rate < 1 ? `bare ${(1 / rate).toFixed(2)}× faster` : `duban ${rate.toFixed(2)}× faster`}); ` +
      `p99 lag ${(d.p99 / b.p99).toFixed(2)}; p50 lag ${(d.p50 / b.p50).toFixed(2)}; max lag ${(d.max / b.max).toFixed(2)}`,
  );
  for (const r of [bare, duban]) {
    if (r.marginMs < 20_000) console.log(`  note: ${r.side}: its workflows were ready only ${s(r.marginMs)} before M; the burst may include start-up work`);
  }
  console.log(`CPU from M to the N-th letter, per letter:`);
  for (const r of [bare, duban]) console.log(`  ${r.side.padEnd(6)}${cpuPerLetter(r.cpu, r.n)}`);
  console.log(`machine: ${cpus().length} CPUs, load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const r of [bare, duban]) {
    if (r.notes.length) console.log(`\n${r.side}:\n${r.notes.map((l) => `  ${l}`).join('\n')}`);
  }
}

function verdict(sides: SideResult[]): boolean {
  console.log('\nchecks');
  const checks = sides.flatMap((r) => r.checks);
  for (const c of checks) console.log(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.what}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed ? `\n${failed} check(s) failed` : '\nall checks passed');
  return failed === 0;
}
