// Reading back what duban stored as JSON text: parsed and checked against its schema, or a permanent
// DubanError naming the record (retrying cannot mend a malformed record).
import type { z } from 'zod';
import { DubanError } from '../domain/errors';

export function readRecord<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DubanError('CORRUPT_RECORD', `${what} is not valid JSON: ${(err as Error).message}`);
  }
  return checkRecord(schema, value, what);
}

export function checkRecord<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DubanError('CORRUPT_RECORD', `${what} does not have the expected shape: ${parsed.error.message}`);
  return parsed.data;
}
