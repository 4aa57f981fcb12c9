// Every activity the worker registers, built from injected dependencies (createActivities(deps)).
import type { Client } from '@temporalio/client';
import { DubanError } from '../domain/errors';
import type { Mailer } from '../mail/mailer';
import type { ChannelActivities } from '../shared/channel-contract';
import type { DubanActivities } from '../shared/contract';
import type { HazardActivities } from '../shared/hazard-activities';
import { permanentFailure } from '../shared/failures';
import type { Db } from '../store/db';
import { createChannelActivities } from './channels';
import { createCirculationActivities } from './circulation';
import { createHazardChaseStartActivities } from './hazard-chase-starts';
import { createHazardActivities } from './hazards';
import { createLaunchActivities } from './launch';
import { createLeadDigestActivities } from './lead-digest';
import { createNoticeActivities } from './notices';
import { createObligationActivities } from './obligations';
import { createUnitMessageActivities } from './unit-messages';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  client: Client;
  taskQueue: string;
  /** Whether Duban* search attributes are registered on the Temporal namespace. */
  searchAttributes: boolean;
  /** Overrides the From address (some SMTP servers accept only their account's address). */
  mailFrom?: string;
  /** The console's address as units reach it: letters carry each unit's portal link (access/unit-links.ts). */
  publicUrl?: string;
}

/**
 * A DubanError is permanent (an unknown campaign, a missing or malformed record): retrying cannot change
 * it, so it leaves the activity as a non-retryable failure carrying its code. Anything else (an SMTP
 * refusal, a busy database, a lost connection) stays retryable.
 */
function failingPermanently<A extends object>(activities: A): A {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]: [string, (...args: unknown[]) => Promise<unknown>]) => [
      name,
      {
        async [name](...args: unknown[]) {
          try {
            return await fn(...args);
          } catch (err) {
            throw err instanceof DubanError ? permanentFailure(err) : err;
          }
        },
      }[name],
    ]),
  ) as A;
}

export function createActivities(deps: ActivityDeps): DubanActivities & HazardActivities & ChannelActivities {
  return failingPermanently({
    ...createNoticeActivities(deps),
    ...createObligationActivities(deps),
    ...createLaunchActivities(deps),
    ...createUnitMessageActivities(deps),
    ...createCirculationActivities(deps),
    ...createLeadDigestActivities(deps),
    ...createHazardActivities(deps),
    ...createHazardChaseStartActivities(deps),
    ...createChannelActivities(deps),
  } satisfies DubanActivities & HazardActivities & ChannelActivities);
}
