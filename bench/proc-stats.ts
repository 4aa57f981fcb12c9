// CPU time per thread and peak memory of a process, from Linux's /proc (elsewhere: nothing, and the
// report says so). Used to tell how a run's CPU was shared between this process's threads (the Node main
// thread, the workflow thread, the Temporal Core SDK's tokio threads, V8's helpers) and the dev server.
import { readFileSync, readdirSync } from 'node:fs';

/** Linux's USER_HZ: the unit of utime/stime in /proc/<pid>/task/<tid>/stat. */
const TICKS_PER_S = 100;

export interface ThreadCpu {
  tid: number;
  name: string;
  /** user + system CPU, ms */
  cpuMs: number;
}

/** Every thread of `pid` now, with the CPU it has used since it started; [] when /proc cannot be read. */
export function threadCpu(pid: number): ThreadCpu[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadCpu[] = [];
  for (const t of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      // "tid (comm) state ppid …": comm may hold spaces and parentheses; the fields after the last ")" start at state (field 3)
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15
      out.push({ tid: Number(t), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (ticks * 1000) / TICKS_PER_S });
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

/** CPU each thread used between two snapshots (threads that ended in between are lost; new ones count from 0). */
export function cpuBetween(before: ThreadCpu[], after: ThreadCpu[]): ThreadCpu[] {
  const was = new Map(before.map((t) => [t.tid, t.cpuMs]));
  return after.map((t) => ({ ...t, cpuMs: t.cpuMs - (was.get(t.tid) ?? 0) })).sort((a, b) => b.cpuMs - a.cpuMs);
}

/** A field of /proc/<pid>/status in bytes (VmHWM: peak RSS, VmRSS: RSS now); undefined when not readable. */
export function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The process whose command line contains `needle` (e.g. a dev server's unique database file), other than this one. */
export function pidByCommandLine(needle: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(needle)) return Number(e);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

/** CPU time the whole machine has spent busy (every CPU, not idle or waiting for I/O) since boot, ms; undefined without /proc. */
export function machineBusyMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user)
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / TICKS_PER_S;
  } catch {
    return undefined;
  }
}
