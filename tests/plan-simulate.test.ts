// `plan` (pure decision logic) and `simulate` (the real workflows on the time-skipping server, with mail
// delivered over SMTP) must agree line for line for every shipped example.
import { readFileSync, readdirSync } from 'node:fs';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDefinitionFile } from '../operations/definition-file';
import { simulateCampaign } from '../rehearsal/simulate';
import { parseAssumptions } from '../domain/assumptions';
import { compileCampaign, defaultLaunchAt } from '../domain/compile';
import { planCampaign } from '../domain/plan';
import { parseInstant } from '../domain/zoned-time';
import type { DatabaseKind } from '../store/db';
import { bundleWorkflows } from '../worker/worker';
import { TEST_DATABASES, freshDatabase } from './support/databases';

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml') && !f.includes('assumptions'));

async function inFreshDatabase<T>(kind: DatabaseKind, fn: (databaseUrl: string) => Promise<T>): Promise<T> {
  const database = await freshDatabase(kind);
  try {
    return await fn(database.url);
  } finally {
    await database.drop();
  }
}

describe.each(TEST_DATABASES)('on %s', (kind) => {
  describe.each(examples)('examples/%s', (name) => {
    it('simulate equals plan when no unit submits', async () => {
      const file = `examples/${name}`;
      const { def } = readDefinitionFile(file);
      const compiled = compileCampaign(def, defaultLaunchAt(def));
      const planned = planCampaign(compiled);
      expect(planned.length).toBeGreaterThan(compiled.obligations.length);
      const simulated = await inFreshDatabase(kind, (databaseUrl) => simulateCampaign({ file, compiled, assumptions: [], databaseUrl, workflowBundle: bundle }));
      expect(simulated).toEqual(planned);
    });
  });

  describe('examples/leizhou-2022-assessment.yaml with assumptions', () => {
    it('simulate equals plan with submissions, a late submission, an extension, a return and a waiver', async () => {
      const file = 'examples/leizhou-2022-assessment.yaml';
      const { def } = readDefinitionFile(file);
      const compiled = compileCampaign(def, parseInstant('2022-10-08T10:00:00+08:00', def.timeZone)!);
      const assumptionsFile = 'examples/leizhou-2022-assumptions.yaml';
      const assumptions = parseAssumptions(readFileSync(assumptionsFile, 'utf8'), assumptionsFile, def.timeZone);
      const planned = planCampaign(compiled, assumptions);
      const of = (unit: string) => planned.filter((p) => p.unit === unit).map((p) => `${p.action} ${p.at.slice(0, 10)}`);
      // each lead department with departments gets its list of them the working day after their deadline, whoever submitted
      expect(planned.filter((p) => p.action === 'lead-digest').map((p) => `${p.unit} ${p.at}`)).toEqual(
        ['jiaotong', 'nongye', 'xiaofang', 'yingji', 'zhujian'].map((u) => `${u} 2022-10-12T09:00:00+08:00`),
      );
      expect(of('jiaoyu')).toEqual(['reminder 2022-10-10', 'reminder 2022-10-11', 'urge 2022-10-12']);
      expect(of('gongxiao')).toEqual(['reminder 2022-10-10', 'reminder 2022-10-11', 'urge 2022-10-12']);
      // returned on 10-12 with a new deadline 10-14: reminders on 10-13 and 10-14, urge on 10-17 at 09:00, resubmitted 10:00
      expect(of('gongdian')).toEqual(['reminder 2022-10-10', 'reminder 2022-10-11', 'reminder 2022-10-13', 'reminder 2022-10-14', 'urge 2022-10-17']);

      const simulated = await inFreshDatabase(kind, (databaseUrl) => simulateCampaign({ file, compiled, assumptions, databaseUrl, workflowBundle: bundle }));
      expect(simulated).toEqual(planned);
    });
  });
});
