// One error type for every refusal duban makes; `code` is stable, `message` is for the operator.
export type DubanErrorCode =
  | 'INVALID_DEFINITION'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_CAMPAIGN'
  | 'UNKNOWN_UNIT'
  | 'UNKNOWN_DELIVERABLE'
  | 'UNKNOWN_OBLIGATION'
  | 'ALREADY_SUBMITTED'
  | 'ALREADY_WAIVED'
  | 'NOT_SUBMITTED'
  | 'DATE_IN_PAST'
  | 'DATE_NOT_LATER'
  | 'OBLIGATION_CLOSED'
  | 'ALREADY_LAUNCHED'
  | 'CONFIG';

export class DubanError extends Error {
  constructor(
    readonly code: DubanErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'DubanError';
  }
}
