#!/usr/bin/env node
// `npm start`: runs the platform built at install (dist/start.mjs), rebuilding it first when a source file
// is newer. One node process, so the signal npm forwards (through `exec`) reaches it directly.
import { ensureBuilt } from '../scripts/build.mjs';

await ensureBuilt('start');
await import('../dist/start.mjs');
