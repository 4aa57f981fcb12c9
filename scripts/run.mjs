// `npm start`, `npm run worker`, `npm run duban`: runs an entry point built at install (dist/NAME.mjs),
// rebuilding it first when a source file is newer, so nobody runs stale code.
import { ensureBuilt, ensureUiBuilt } from './build.mjs';

const name = process.argv[2];
process.argv.splice(2, 1); // the entry point sees its own arguments only
await ensureBuilt(name);
if (name === 'start') await ensureUiBuilt(); // the console npm start serves
await import(`../dist/${name}.mjs`);
