// How a campaign's hazards are chased, per level (domain/hazards.ts re-exports it): the reminders before a hazard's
// 整改时限 and the ladder after it for 一般 and 重大 hazards, and the working days within which 整改完成 must be accepted.
// Its own file so that the campaign file's parser (domain/definition.ts, `hazards:`) can read the defaults.
import { DEFAULT_POLICY, type NoticePolicy, type SignOffStep } from './policy';

/**
 * How hazards are chased, per level. The defaults:
 * - 一般: the obligations' default — reminders 3 and 1 working days before the 时限 and on it, then 催办 (提醒敦促函)
 *   on the 1st working day after, 督办 the 3rd, 通报 the 5th, 约谈 the 7th.
 * - 重大: earlier and faster — reminders 5, 3 and 1 working days before and on the day, then 催办 the 1st working day
 *   after, 督办 the 2nd, 通报 the 3rd, 约谈 the 5th (a major hazard left standing is the danger itself).
 * - 验收 is due 5 working days after 整改完成 is reported ("整改一个，验收一个").
 * `returnWindowDays` has no meaning for hazards (there is no 退回); it is 0.
 */
export interface HazardPolicy {
  general: NoticePolicy;
  major: NoticePolicy;
  /** Working days after 整改完成 is reported within which it must be accepted (验收). */
  acceptanceWorkingDays: number;
  /**
   * The hazard letters a leader signs off (签发) before they go: the day's 通报 of hazards, a hazard's 约谈通知. One
   * setting for both levels (a 通报 lists hazards of either): `hazards.signOff` of the campaign file, else its
   * `policy.signOff`. Absent (a campaign launched before it): store/campaigns.ts hazardPolicyOf fills it in.
   */
  signOff?: SignOffStep[];
}

/** Whether the hazards' policy holds a letter of `kind` for a leader's 签发 (only 通报 and 约谈通知 can be). */
export function hazardNeedsSignOff(policy: Pick<HazardPolicy, 'signOff'>, kind: string): boolean {
  return (policy.signOff ?? []).includes(kind as SignOffStep);
}

export const DEFAULT_HAZARD_POLICY: HazardPolicy = {
  general: { ...DEFAULT_POLICY, returnWindowDays: 0 },
  major: {
    sendAt: DEFAULT_POLICY.sendAt,
    remindBefore: [5, 3, 1, 0],
    escalate: { urge: 1, notice: 2, circulate: 3, interview: 5 },
    returnWindowDays: 0,
  },
  acceptanceWorkingDays: 5,
};
