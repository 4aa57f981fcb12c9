// One error type for every refusal duban makes; `code` is stable, `message` is for the operator.
export const DUBAN_ERROR_CODES = [
  'INVALID_DEFINITION',
  'INVALID_ARGUMENT',
  'UNKNOWN_CAMPAIGN',
  'UNKNOWN_UNIT',
  'UNKNOWN_DELIVERABLE',
  'UNKNOWN_OBLIGATION',
  'ALREADY_SUBMITTED',
  'ALREADY_WAIVED',
  'NOT_SUBMITTED',
  'DATE_IN_PAST',
  'DATE_NOT_LATER',
  'OBLIGATION_CLOSED',
  'ALREADY_LAUNCHED',
  'NOTHING_TO_CHASE',
  'CORRUPT_RECORD',
  'CONFIG',
  'FILE_TYPE_REFUSED',
  'FILE_TOO_LARGE',
  'NOT_AUTHENTICATED',
  'LOGIN_FAILED',
  'LOGIN_THROTTLED',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'OPERATOR_EXISTS',
  'LINK_INVALID',
  'LINK_EXPIRED',
  'UNKNOWN_REQUEST',
  'REQUEST_DECIDED',
  'UNKNOWN_INTERVIEW',
  'INTERVIEW_CLOSED',
  'NOT_FOUND',
  'INVALID_HAZARD',
  'HAZARD_TRANSITION',
  'EVIDENCE_MISSING',
  'PLAN_INCOMPLETE',
  'ACCEPTOR_CONFLICT',
  'LISTING_TRANSITION',
  'UNKNOWN_HAZARD',
  'HAZARD_CONFLICT',
] as const;

export type DubanErrorCode = (typeof DUBAN_ERROR_CODES)[number];

export function isDubanErrorCode(value: unknown): value is DubanErrorCode {
  return typeof value === 'string' && (DUBAN_ERROR_CODES as readonly string[]).includes(value);
}

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
