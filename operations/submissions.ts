// 登记报送 with the unit's file: the file is kept by its sha256 (store/files.ts) before the submission goes to
// the obligation's workflow, so a refused file changes nothing and an accepted one is never lost.
import type { Client } from '@temporalio/client';
import type { ObligationState } from '../domain/policy';
import type { Db } from '../store/db';
import { storeFile } from '../store/files';
import { actOnObligation } from './actions';

export interface Upload {
  name: string;
  bytes: Buffer;
}

export async function submitObligation(
  deps: { db: Db; client: Client; dataDir: string; maxUploadBytes?: number; searchAttributes: boolean },
  args: { campaignId: string; unitId: string; deliverableId: string; upload?: Upload; actor: string },
): Promise<ObligationState> {
  const stored = args.upload ? await storeFile(deps.dataDir, args.upload, { maxBytes: deps.maxUploadBytes }) : undefined;
  return actOnObligation(deps, {
    campaignId: args.campaignId,
    unitId: args.unitId,
    deliverableId: args.deliverableId,
    event: stored ? { kind: 'submit', file: stored.sha256, fileName: stored.name, fileSize: stored.size } : { kind: 'submit' },
    actor: args.actor,
  });
}
