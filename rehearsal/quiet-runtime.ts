// Worker logging for CLI commands that run a worker in-process (`duban simulate`): everything to stderr,
// warnings and errors only, so stdout stays machine-readable.
import { DefaultLogger, Runtime } from '@temporalio/worker';

export function installQuietRuntime(): void {
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      process.stderr.write(`[temporal ${entry.level}] ${entry.message}${entry.meta ? ` ${JSON.stringify(entry.meta)}` : ''}\n`);
    }),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}
