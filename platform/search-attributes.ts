// Registers the Duban* search attributes on a Temporal namespace (the dev server gets them as flags).
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../shared/contract';

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const KEYWORD = proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const wanted = Object.values(SEARCH_ATTRIBUTES).map((k) => k.name);
  for (const name of wanted) {
    try {
      // One at a time: the time-skipping server implements add but not list.
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [name]: KEYWORD } });
    } catch (err) {
      if ((err as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw err;
    }
  }
}

/** `--search-attribute` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
}
