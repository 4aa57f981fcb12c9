// Builds the CLI, `npm start` and `npm run worker` once (at install), so a command starts in a fraction of a second instead
// of compiling TypeScript on every run. Packages stay external; the project's own code and the bundled
// holiday calendar (a JSON module) go into dist/. Workflows are not part of it: the worker bundles them
// from workflows/ with Temporal's own bundler.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** JSON modules are inlined: Node needs an import attribute esbuild does not keep on external imports. */
const inlineJson = {
  name: 'inline-json',
  setup(b) {
    b.onResolve({ filter: /\.json$/ }, (args) => ({ path: createRequire(join(args.resolveDir, 'index.js')).resolve(args.path) }));
  },
};

export async function buildEntryPoints() {
  await build({
    absWorkingDir: root,
    entryPoints: { duban: 'client/duban.ts', start: 'platform/start.ts', worker: 'platform/worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [inlineJson],
    logLevel: 'warning',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

const SOURCES = ['domain', 'shared', 'workflows', 'store', 'mail', 'letters', 'activities', 'worker', 'operations', 'platform', 'rehearsal', 'client', 'web', 'access', 'spreadsheets', 'generated'];

function newestSource(dir = root, depth = 0) {
  let newest = 0;
  for (const name of depth === 0 ? SOURCES : readdirSync(dir)) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestSource(path, depth + 1) : st.mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ when `entry`'s bundle is missing or older than any source file. */
export async function ensureBuilt(entry) {
  const out = join(root, 'dist', `${entry}.mjs`);
  if (!existsSync(out) || statSync(out).mtimeMs < newestSource()) await buildEntryPoints();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildEntryPoints();
}
