// 签发: which steps wait for a leader's sign-off (the policy's signOff), and what a campaign stored before it does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';
import { DEFAULT_POLICY, needsSignOff } from '../domain/policy';

const LEIZHOU_FILE = 'examples/leizhou-2022-assessment.yaml';
const LEIZHOU = readFileSync(new URL(`../${LEIZHOU_FILE}`, import.meta.url), 'utf8');

describe('the policy says which steps need a leader’s 签发', () => {
  it('by default 通报 and 约谈; a deliverable can say otherwise; anything else is refused', () => {
    expect(DEFAULT_POLICY.signOff).toEqual(['circulate', 'interview']);
    const withPolicy = (policy: string) => LEIZHOU.replace(/^units:/m, `policy:\n${policy}\n\nunits:`);
    const none = parseCampaignDefinition(withPolicy('  signOff: []'), 'x.yaml');
    expect(none.policy.signOff).toEqual([]);
    expect(none.deliverables.every((d) => d.policy.signOff?.length === 0)).toBe(true);
    const one = parseCampaignDefinition(withPolicy('  signOff: [interview]'), 'x.yaml');
    expect(needsSignOff(one.policy, 'interview')).toBe(true);
    expect(needsSignOff(one.policy, 'circulate')).toBe(false);
    let err: unknown;
    try {
      parseCampaignDefinition(withPolicy('  signOff: [urge]'), 'x.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DubanError);
    expect((err as DubanError).details.join('\n')).toMatch(/policy\.signOff\[0\]/);
  });

  it('a policy recorded before sign-off existed (no signOff) holds nothing back', () => {
    const { signOff: _, ...old } = DEFAULT_POLICY;
    expect(needsSignOff(old, 'circulate')).toBe(false);
    expect(needsSignOff(old, 'interview')).toBe(false);
    expect(needsSignOff(DEFAULT_POLICY, 'notice')).toBe(false);
  });
});
