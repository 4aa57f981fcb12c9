// Reading a campaign definition from disk; every failure is a DubanError naming the file.
import { readFileSync } from 'node:fs';
import { type CampaignDefinition, parseCampaignDefinition } from '../domain/definition';
import { DubanError } from '../domain/errors';

export function readDefinitionFile(file: string): { def: CampaignDefinition; yamlText: string } {
  let yamlText: string;
  try {
    yamlText = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DubanError('INVALID_DEFINITION', `无法读取 ${file}：${(err as Error).message}`);
  }
  return { def: parseCampaignDefinition(yamlText, file), yamlText };
}
