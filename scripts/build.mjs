// Builds the CLI, `npm start` and `npm run worker` once (at install), so a command starts in a fraction of a second instead
// of compiling TypeScript on every run. Packages stay external; the project's own code and the bundled
// holiday calendar (a JSON module) go into dist/. Workflows are not part of it: the worker bundles them
// from workflows/ with Temporal's own bundler.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

// The browser app (ui/): one JS bundle, its CSS (with the bundled Noto Sans SC font files: intranets have no
// internet, so no CDN and no web fonts from elsewhere) and index.html, into dist/ui/, served by web/.
const UI_OUT = join(root, 'dist', 'ui');

/** Only the woff2 files of @fontsource: every browser antd 6 supports reads woff2, so the woff copies would be dead weight. */
const woff2Only = {
  name: 'woff2-only',
  setup(b) {
    b.onLoad({ filter: /@fontsource[\\/].*\.css$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''),
      loader: 'css',
    }));
  },
};

/** index.html; `version` (a hash of the bundle) busts browser caches of the fixed names app.js and app.css. */
const indexHtml = (version) => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>督办工作台</title>
<link rel="stylesheet" href="/assets/app.css?v=${version}">
<script type="module" src="/assets/app.js?v=${version}"></script>
</head>
<body>
<div id="root"></div>
<noscript>请启用浏览器的 JavaScript 后使用督办工作台。</noscript>
</body>
</html>
`;

/** Builds dist/ui (index.html, assets/app.js, assets/app.css, assets/<font>-<hash>.woff2); returns the output sizes in bytes. */
export async function buildUi({ quiet = false } = {}) {
  const started = Date.now();
  // Built beside dist/ui and swapped in whole: a failed build leaves the last good one, and stale hashed fonts go.
  const tmp = `${UI_OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: { app: 'ui/main.tsx' },
      outdir: tmp,
      entryNames: 'assets/[name]',
      assetNames: 'assets/[name]-[hash]',
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { '.woff2': 'file', '.woff': 'file' },
      plugins: [woff2Only],
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
    });
    const hash = createHash('sha256');
    for (const name of ['app.js', 'app.css']) hash.update(readFileSync(join(tmp, 'assets', name)));
    writeFileSync(join(tmp, 'index.html'), indexHtml(hash.digest('hex').slice(0, 12)));
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(UI_OUT, { recursive: true, force: true });
  renameSync(tmp, UI_OUT);
  const sizes = { js: 0, css: 0, fonts: 0, fontFiles: 0 };
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) sizes.js += out.bytes;
    else if (file.endsWith('.css')) sizes.css += out.bytes;
    else if (/\.woff2?$/.test(file)) {
      sizes.fonts += out.bytes;
      sizes.fontFiles += 1;
    }
  }
  if (!quiet) {
    const kb = (n) => `${Math.round(n / 1024)} KB`;
    console.log(
      `dist/ui: app.js ${kb(sizes.js)}, app.css ${kb(sizes.css)}, ` +
        `${sizes.fontFiles} font files ${kb(sizes.fonts)} (a page loads only the subsets it shows) — ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return sizes;
}

function newestIn(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestIn(path) : st.mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ui when dist/ui/index.html is missing or older than any file in ui/ (or web/api-types.ts). */
export async function ensureUiBuilt() {
  const index = join(UI_OUT, 'index.html');
  const uiDir = join(root, 'ui');
  if (!existsSync(uiDir)) return;
  const types = join(root, 'web', 'api-types.ts');
  const newest = Math.max(newestIn(uiDir), existsSync(types) ? statSync(types).mtimeMs : 0);
  if (!existsSync(index) || statSync(index).mtimeMs < newest) await buildUi({ quiet: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildEntryPoints();
  await buildUi();
}
