// One letter, exactly once, through a peer (the SMTP server, a group robot): claimed in its table (store/claims.ts)
// or found sent; its record prepared; sent while the claim's lease (and Temporal's heartbeat) is renewed; the claim
// released when the peer refused, the record committed when it accepted.
import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, type WorkflowStartOptions } from '@temporalio/client';
import { ApplicationFailure, type Workflow, WorkflowIdReusePolicy } from '@temporalio/common';
import { type Claim, ClaimHeldError, type ClaimLease, type ClaimTable, type SentRecord, claim, commitRecord, release, renew } from '../store/claims';
import type { Db } from '../store/db';
import type { Mailer } from '../mail/mailer';

export interface Delivery<T, P extends { record: SentRecord }> {
  db: Db;
  lease: ClaimLease;
  table: ClaimTable;
  request: Claim<T>;
  /** The failure type a held claim is reported as (Temporal retries just after the holder's lease ends). */
  heldType: string;
  /** The record (and whatever else the send needs), built before anything is sent; failing, the claim is released. */
  prepare: (claimed: T) => P | Promise<P>;
  send: (claimed: T, prepared: P) => Promise<void>;
}

export async function deliverOnce<T, P extends { record: SentRecord }>(d: Delivery<T, P>): Promise<{ sent: T } | 'already-sent'> {
  const { db, lease, table } = d;
  let held;
  try {
    held = await claim(db, table, d.request, lease);
  } catch (err) {
    if (!(err instanceof ClaimHeldError)) throw err;
    throw ApplicationFailure.create({ type: d.heldType, message: err.message, nextRetryDelay: Math.max(1_000, err.until.getTime() - Date.now() + 500) });
  }
  if (held === 'already-sent') return held;
  let prepared: P;
  try {
    prepared = await d.prepare(held.claim);
  } catch (err) {
    await release(db, table, held);
    throw err;
  }
  const activity = Context.current();
  // No heartbeat now: Temporal counts the heartbeat timeout from the attempt's start, so a first heartbeat at once
  // would tell it nothing new, and costs the server a call per letter; a conversation that lasts heartbeats below.
  const keepAlive = setInterval(() => {
    activity.heartbeat();
    renew(db, table, held, lease).then(
      (renewed) => renewed || activity.log.warn(`the claim of ${held.businessKey} is no longer this attempt's`),
      (err: unknown) => activity.log.warn(`could not renew the claim of ${held.businessKey}: ${String(err)}`),
    );
  }, lease.renewMs);
  try {
    await d.send(held.claim, prepared);
  } catch (err) {
    await release(db, table, held);
    throw err;
  } finally {
    clearInterval(keepAlive);
  }
  await commitRecord(prepared.record);
  return { sent: held.claim };
}

/** A letter as e-mailed, with the headers that name it (X-Duban-Key, X-Duban-Action) and its attachments. */
export function mailLetter(
  mailer: Mailer,
  from: string,
  letter: { to: string[]; cc: string[]; subject: string; text: string; messageId: string },
  names: { key: string; action: string },
  attachments?: { filename: string; content: Buffer }[],
) {
  const { to, cc, subject, text, messageId } = letter;
  return mailer.send({ from, to, cc, subject, text, messageId, headers: { 'X-Duban-Key': names.key, 'X-Duban-Action': names.action }, ...(attachments ? { attachments } : {}) });
}

/** Starts the workflow once by its id (REJECT_DUPLICATE): a start finding it started, or run, does nothing (false). */
export async function startOnce<T extends Workflow>(client: Client, workflow: string | T, options: WorkflowStartOptions<T>): Promise<boolean> {
  try {
    await client.workflow.start(workflow, { ...options, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    return true;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return false;
  }
}
