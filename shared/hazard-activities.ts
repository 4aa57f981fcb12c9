// The hazard chase's activities as the workflow sees them (workflows/hazard.ts proxies them by this type; activities/
// hazards.ts implements them): one reads the record and names the next letter due, the other sends it exactly once.
import type { HazardLetterDue } from '../domain/hazard-chase';
import type { SignOffDecision } from './contract';
import type { HazardChaseInput } from './hazard-contract';

/** A run of the chase: the keys of the letters it has dealt with (sent or skipped) travel across continue-as-new. */
export interface HazardChaseRun extends HazardChaseInput {
  done?: string[];
}

export interface NextHazardLetterResult {
  /** The next letter the record calls for, not yet sent (by any run) nor in `done`. */
  next?: HazardLetterDue;
  /** 已销号 or 已撤销, no 挂牌 open, nothing left to send. */
  over: boolean;
  /** The campaign clock's offset (non-zero in a rehearsal): the workflow waits until `next.at` on that clock. */
  clockOffsetMs: number;
  /** `next` waits for a leader's 签发 (the hazards' signOff); absent in results recorded before it. */
  signOff?: boolean;
}

export interface SendHazardLetterInput extends HazardChaseInput {
  letter: HazardLetterDue;
}

export interface SendHazardLetterResult {
  businessKey: string;
  /** skipped: the record no longer calls for it (see reason). */
  outcome: 'sent' | 'already-sent' | 'skipped';
  reason?: string;
}

/** A hazard's 通报 step reached: the campaign's one 通报 of that send time (`at`), listing every hazard due then. */
export interface SendHazardCirculationInput extends HazardChaseInput {
  at: number;
}

export interface SendHazardCirculationResult {
  /** campaign/hazard-circulation/<day>/<HHmm> */
  businessKey: string;
  /** sent by this call; already-sent by an earlier call (another hazard's, or a retry); skipped: nothing due then. */
  outcome: 'sent' | 'already-sent' | 'skipped';
  /** The hazards this call's letter listed (none unless sent). */
  listed: string[];
}

/** The campaign's 通报 of hazards at one send time, held for 签发 by its own workflow (workflows/hazard-circulation.ts). */
export interface HazardCirculationInput {
  campaignId: string;
  /** The day and the send time (campaign time) of the 通报. */
  day: string;
  at: number;
  clockOffsetMs: number;
}

export interface PrepareHazardCirculationResult {
  businessKey: string;
  /**
   * awaiting: held as 待签发 with its preview; send: no 签发 needed, or approved before (a run afresh); nobody: no hazard
   * due then; withdrawn: withdrawn before (or approved and not needed), never to go
   */
  outcome: 'awaiting' | 'send' | 'nobody' | 'withdrawn';
}

export interface PrepareHazardLetterResult {
  businessKey: string;
  /**
   * awaiting: held as 待签发 with its preview; approved: a leader approved it before (a run afresh): to be sent;
   * skipped: the record no longer calls for it, or it was withdrawn or sent (see reason)
   */
  outcome: 'awaiting' | 'approved' | 'skipped';
  reason?: string;
}

/** Whether a held letter is still one the record calls for; if not, why (in Chinese: the withdrawal's reason). */
export interface HazardLetterStillDue {
  due: boolean;
  reason?: string;
}

/** A decision on a held hazard letter: a leader's, or the chase's own withdrawal when the hazard changed. */
export interface HazardSignOffInput {
  campaignId: string;
  businessKey: string;
  decision: SignOffDecision;
  /** Campaign time of the decision. */
  decidedAt: number;
}

export interface HazardActivities {
  nextHazardLetter(input: HazardChaseRun): Promise<NextHazardLetterResult>;
  sendHazardLetter(input: SendHazardLetterInput): Promise<SendHazardLetterResult>;
  sendHazardCirculation(input: SendHazardCirculationInput): Promise<SendHazardCirculationResult>;
  prepareHazardLetter(input: SendHazardLetterInput): Promise<PrepareHazardLetterResult>;
  hazardLetterStillDue(input: SendHazardLetterInput): Promise<HazardLetterStillDue>;
  recordHazardSignOff(input: HazardSignOffInput): Promise<void>;
  /** Starts the 通报's workflow of that send time once (a second start starts nothing); its key. */
  joinHazardCirculation(input: SendHazardCirculationInput): Promise<{ businessKey: string }>;
  prepareHazardCirculation(input: HazardCirculationInput): Promise<PrepareHazardCirculationResult>;
  /** Starts (or wakes) the chases of up to `limit` hazards recorded without one, and marks them started. */
  startHazardChases(input: StartHazardChasesInput): Promise<StartHazardChasesResult>;
}

export interface StartHazardChasesInput {
  campaignId: string;
  limit: number;
}

export interface StartHazardChasesResult {
  started: number;
  /** Hazards of the campaign still without a chase after this batch. */
  remaining: number;
}

/** The workflow holding the 通报 of hazards `key` (campaign/hazard-circulation/<day>/<HHmm>) for 签发: duban/<key>. */
export function hazardCirculationWorkflowId(key: string): string {
  return `duban/${key}`;
}

/** The claim key of the 通报 of hazards at `day` and `hhmm`: campaign/hazard-circulation/<day>/<HHmm>. */
export function hazardCirculationKey(campaignId: string, day: string, hhmm: string): string {
  return `${campaignId}/hazard-circulation/${day}/${hhmm.replace(':', '')}`;
}

/** The letter's claim key: campaign/hazard/<id>/<key> (the key names the round, 时限, action and day, or the listing). */
export function hazardLetterBusinessKey(campaignId: string, hazardId: string, key: string): string {
  return `${campaignId}/hazard/${hazardId}/${key}`;
}
