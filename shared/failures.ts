// DubanError across Temporal's boundaries. Permanent errors (a refusal, a missing record) travel as
// non-retryable ApplicationFailures typed with their code; everything else stays retryable.
import { ApplicationFailure } from '@temporalio/common';
import { DubanError, isDubanErrorCode } from '../domain/errors';

/** A DubanError as a non-retryable failure: retrying cannot change the answer. */
export function permanentFailure(err: DubanError): ApplicationFailure {
  return ApplicationFailure.create({ type: err.code, message: err.message, details: err.details, nonRetryable: true });
}

/** The DubanError a failure carries, checked against the known codes; undefined for any other failure. */
export function dubanErrorOf(failure: unknown): DubanError | undefined {
  let f: unknown = failure;
  while (f instanceof Error) {
    if (f instanceof ApplicationFailure && isDubanErrorCode(f.type)) {
      const details = (f.details ?? []).filter((d): d is string => typeof d === 'string');
      return new DubanError(f.type, f.message, details);
    }
    f = f.cause;
  }
  return undefined;
}
