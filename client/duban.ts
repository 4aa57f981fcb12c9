// Entry point of the CLI (built into dist/duban.mjs; run by bin/duban.mjs, `npm run duban -- …`, `npx duban …`).
import { runCli } from './cli';

runCli();
