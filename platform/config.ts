// Configuration comes from the environment only; docs/configuration.md lists every variable.
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { databaseUrl } from '../store/db-url';

export interface DubanConfig {
  dataDir: string;
  databaseUrl: string;
  /** host:port of an existing Temporal frontend; unset means `npm start` runs the embedded dev server. */
  temporalAddress?: string;
  namespace: string;
  temporalPort: number;
  temporalUiPort: number;
  /** SMTP URL of a real server; unset means `npm start` runs the local mail catcher. */
  smtpUrl?: string;
  smtpPort: number;
  mailWebPort: number;
  mailFrom?: string;
  searchAttributes: boolean;
  operator: string;
  /** The console (工作台) and the units' portal. */
  webPort: number;
  webHost: string;
  /** How units reach the portal, for the links in letters; default http://127.0.0.1:<webPort>. */
  publicUrl: string;
  /** Largest accepted upload. */
  maxUploadBytes: number;
  /** The Temporal Web UI, for links from the console; the dev server's own unless DUBAN_TEMPORAL_UI_URL says otherwise. */
  temporalUiUrl?: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}=${JSON.stringify(raw)} is not a TCP port (1-65535)`);
  return n;
}

function uploadLimit(env: NodeJS.ProcessEnv): number {
  const raw = env.DUBAN_MAX_UPLOAD_MB;
  if (raw === undefined || raw === '') return 50 * 1024 * 1024;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 2048) throw new Error(`DUBAN_MAX_UPLOAD_MB=${JSON.stringify(raw)} is not a size in MB (1-2048)`);
  return Math.round(n * 1024 * 1024);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DubanConfig {
  const dataDir = resolve(env.DUBAN_DATA_DIR ?? './data');
  let operator = env.DUBAN_OPERATOR;
  if (!operator) {
    try {
      operator = userInfo().username;
    } catch {
      operator = 'operator';
    }
  }
  const webPort = port(env, 'DUBAN_WEB_PORT', 3000);
  return {
    dataDir,
    databaseUrl: databaseUrl({ ...env, DUBAN_DATA_DIR: dataDir }),
    temporalAddress: env.DUBAN_TEMPORAL_ADDRESS || undefined,
    namespace: env.DUBAN_TEMPORAL_NAMESPACE || 'default',
    temporalPort: port(env, 'DUBAN_TEMPORAL_PORT', 7233),
    temporalUiPort: port(env, 'DUBAN_TEMPORAL_UI_PORT', 8233),
    smtpUrl: env.DUBAN_SMTP_URL || undefined,
    smtpPort: port(env, 'DUBAN_SMTP_PORT', 1025),
    mailWebPort: port(env, 'DUBAN_MAIL_WEB_PORT', 1080),
    mailFrom: env.DUBAN_MAIL_FROM || undefined,
    searchAttributes: env.DUBAN_SEARCH_ATTRIBUTES !== 'off',
    operator,
    webPort,
    webHost: env.DUBAN_WEB_HOST || '127.0.0.1',
    publicUrl: (env.DUBAN_PUBLIC_URL || `http://127.0.0.1:${webPort}`).replace(/\/+$/, ''),
    maxUploadBytes: uploadLimit(env),
    temporalUiUrl: (env.DUBAN_TEMPORAL_UI_URL || (env.DUBAN_TEMPORAL_ADDRESS ? '' : `http://127.0.0.1:${port(env, 'DUBAN_TEMPORAL_UI_PORT', 8233)}`)) || undefined,
  };
}

export function temporalAddress(config: DubanConfig): string {
  return config.temporalAddress ?? `127.0.0.1:${config.temporalPort}`;
}

export function smtpUrl(config: DubanConfig): string {
  return config.smtpUrl ?? `smtp://127.0.0.1:${config.smtpPort}`;
}
