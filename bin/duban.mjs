#!/usr/bin/env node
// `npx duban …`: runs the CLI built at install (dist/duban.mjs), rebuilding it
// first when a source file is newer (a developer's edit), so it never runs stale code.
import { ensureBuilt } from '../scripts/build.mjs';

await ensureBuilt('duban');
await import('../dist/duban.mjs');
