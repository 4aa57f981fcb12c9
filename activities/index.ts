// Every activity the worker registers, built from injected dependencies.
import type { Client } from '@temporalio/client';
import type { Db } from '../store/db';
import { createLaunchActivities } from './launch';
import type { Mailer } from '../mail/mailer';
import { createNoticeActivities } from './notices';
import { createObligationActivities } from './obligations';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  client: Client;
  taskQueue: string;
  /** Whether Duban* search attributes are registered on the Temporal namespace. */
  searchAttributes: boolean;
  /** Overrides the From address (some SMTP servers accept only their account's address). */
  mailFrom?: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createNoticeActivities(deps),
    ...createObligationActivities(deps),
    ...createLaunchActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
