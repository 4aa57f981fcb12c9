// What the console server is built from; platform/start.ts passes the running stack's parts.
import type { Client } from '@temporalio/client';
import type { Db } from '../store/db';

export interface ConsoleDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  searchAttributes: boolean;
  namespace: string;
  dataDir: string;
  /** How units reach the portal (the links in letters and in the console). */
  publicUrl: string;
  maxUploadBytes: number;
  temporalUiUrl?: string;
  /** The built browser app (dist/ui); unset serves the API only. */
  uiDir?: string;
  /** The Temporal server's clock; the wall clock by default. */
  now?: () => number;
}
