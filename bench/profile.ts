// CPU profile of this process (the main thread: activities, Prisma, better-sqlite3, nodemailer; the burst's mail
// sink runs in a child process) with the inspector, written as a .cpuprofile (open it in Chrome DevTools or speedscope), and a
// short self-time summary: the top functions, and the same time by package / duban folder.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../platform/tools';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Profiler {
  stop(): Promise<CpuProfile>;
}

export async function startProfiler(intervalUs = 1000): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      await session.post('Profiler.disable');
      session.disconnect();
      return profile;
    },
  };
}

const PSEUDO = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame's code lives: a package, a duban folder, node's own, wasm, or a pseudo-frame. */
function placeOf(url: string): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('node:')) return 'node (builtins)';
  if (url.startsWith('wasm://')) return 'wasm (in this process: Prisma\'s query compiler)';
  let path = url;
  if (url.startsWith('file://')) {
    try {
      path = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = path.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const rel = relative(PROJECT_ROOT, path);
  if (!rel.startsWith('..')) return `duban ${rel.split('/')[0]}/`;
  return path;
}

function shortUrl(url: string): string {
  if (!url) return '';
  let path = url;
  if (url.startsWith('file://')) {
    try {
      path = fileURLToPath(url);
    } catch {
      /* keep the url */
    }
  }
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
  const rel = relative(PROJECT_ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

/** File and line; tsx runs .ts files transpiled, so their line numbers would not be the source's and are left out. */
function where(cf: CallFrame): string {
  const file = shortUrl(cf.url);
  return file.endsWith('.ts') ? file : `${file}:${cf.lineNumber + 1}`;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  lines: string[];
}

/**
 * Self time per function (top `top`), and per place: a native function (better-sqlite3's `run`, a socket
 * write) is charged to the nearest caller whose script is known, so that SQLite calls show up under the
 * package that made them.
 */
export function summarize(profile: CpuProfile, top = 15, perUnitOf?: { n: number; what: string }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta
    const us = deltas[i + 1] ?? 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + us);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const cf = node.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (name === '(idle)') idleUs += us;
    const key = PSEUDO.has(name) ? name : `${name} ${cf.url ? where(cf) : '(native)'}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    let place = PSEUDO.has(name) ? name : placeOf(cf.url);
    for (let p = parent.get(id); place === undefined && p !== undefined; p = parent.get(p)) place = placeOf(byId.get(p)!.callFrame.url);
    place ??= '(native, no caller)';
    if (!cf.url && !PSEUDO.has(name)) place = `${place} (native calls)`;
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  // Inclusive time of duban's own functions: each sample counts once for every duban function on its
  // stack (synchronous stacks only: the part of an async function after an await has its own stack).
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) {
      const cf = byId.get(p)!.callFrame;
      if (!placeOf(cf.url)?.startsWith('duban ')) continue;
      const key = `${cf.functionName || '(anonymous)'} ${where(cf)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busyMs = totalMs - idleUs / 1000;
  const pct = (us: number) => `${((100 * us) / 1000 / busyMs).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const lines = [
    `profile: ${(totalMs / 1000).toFixed(1)} s of the main thread, ${(busyMs / 1000).toFixed(1)} s busy (not idle)` +
      (perUnitOf ? `, ${(busyMs / perUnitOf.n).toFixed(2)} ms busy per ${perUnitOf.what}` : '') +
      '; percentages are of the busy time',
    `top ${top} functions by self time:`,
    ...[...byFunction]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${ms(us)} ${pct(us)}  ${k}`),
    'self time by place (native functions charged to their nearest known caller):',
    ...[...byPlace]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${ms(us)} ${pct(us)}  ${k}`),
    `duban's own functions by inclusive synchronous time (top ${top}):`,
    ...[...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${ms(us)} ${pct(us)}  ${k}`),
  ];
  return { totalMs, busyMs, lines };
}

export function writeProfile(file: string, profile: CpuProfile): void {
  writeFileSync(file, JSON.stringify(profile));
}
