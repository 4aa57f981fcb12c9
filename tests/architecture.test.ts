// The layering docs/design.md describes, checked on the source: which room may import which, and no import
// circle anywhere (type-only imports included).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Each room and the rooms it may import from (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  domain: [],
  shared: ['domain'],
  letters: ['domain'],
  spreadsheets: ['domain'],
  workflows: ['domain', 'shared'],
  store: ['domain', 'shared', 'generated'],
  mail: [],
  access: ['domain', 'store'],
  activities: ['domain', 'shared', 'letters', 'store', 'mail', 'access', 'workflows'],
  worker: ['domain', 'shared', 'store', 'mail', 'activities'],
  operations: ['domain', 'shared', 'letters', 'store', 'workflows', 'spreadsheets'],
  web: ['domain', 'shared', 'letters', 'store', 'access', 'operations', 'spreadsheets'],
  platform: ['domain', 'shared', 'store', 'mail', 'worker', 'web'],
  rehearsal: ['domain', 'shared', 'store', 'mail', 'worker', 'operations', 'platform'],
  client: ['domain', 'shared', 'letters', 'store', 'access', 'operations', 'platform', 'rehearsal'],
};

const ROOT = resolve(import.meta.dirname, '..');
const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
}

const roomOf = (file: string) => relative(ROOT, file).split('/')[0];

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const room of Object.keys(MAY_IMPORT)) {
    for (const file of sourceFiles(join(ROOT, room))) {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(IMPORT_RE)].map((m) => resolveImport(file, m[1] ?? m[2])).filter((t): t is string => t !== undefined);
      graph.set(file, targets);
    }
  }
  return graph;
}

/** Every import circle, each as the files along it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(ROOT, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  const graph = importGraph();

  it('finds the source of every room', () => {
    for (const room of Object.keys(MAY_IMPORT).filter((r) => r !== 'generated')) {
      expect([...graph.keys()].some((f) => roomOf(f) === room), room).toBe(true);
    }
  });

  it('imports only downwards: each room from the rooms below it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const room = roomOf(file);
      for (const target of targets) {
        const to = roomOf(target);
        if (to !== room && !MAY_IMPORT[room].includes(to)) wrong.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import circle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('would notice a circle', () => {
    const a = join(ROOT, 'a.ts');
    const b = join(ROOT, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts', 'a.ts']]);
  });
});
