// Worker logging for CLI commands that run a worker in-process (`duban simulate`): everything to stderr,
// warnings and errors only, so stdout stays machine-readable.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** Once per process: the runtime cannot be installed twice (a second simulate in the same process keeps the first's). */
export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      process.stderr.write(`[temporal ${entry.level}] ${entry.message}${entry.meta ? ` ${JSON.stringify(entry.meta)}` : ''}\n`);
    }),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}
