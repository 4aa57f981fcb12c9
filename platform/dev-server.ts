// How duban runs the Temporal dev server (`temporal server start-dev`): on 127.0.0.1, SQLite in WAL mode with
// synchronous=NORMAL (the dev server's throughput depends on it), quiet, with the Duban* search attributes.
// `npm start` and the benchmarks start it with these arguments, so both measure the same server.
import { devServerSearchAttributeFlags } from './search-attributes';

export interface DevServerSettings {
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  searchAttributes: boolean;
}

export function devServerArgs(s: DevServerSettings): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(s.port),
    '--ui-port',
    String(s.uiPort),
    '--db-filename',
    s.dbFile,
    '--namespace',
    s.namespace,
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    '--log-level',
    'warn',
    ...(s.searchAttributes ? devServerSearchAttributeFlags() : []),
  ];
}
