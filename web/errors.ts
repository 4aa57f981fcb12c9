// Every refusal leaves the API as {error: {code, message}} with the HTTP status its code stands for.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DubanError, type DubanErrorCode } from '../domain/errors';
import { LoginThrottled } from '../access/sessions';

const STATUS: Partial<Record<DubanErrorCode, number>> = {
  INVALID_DEFINITION: 400,
  INVALID_ARGUMENT: 400,
  UNKNOWN_CAMPAIGN: 404,
  UNKNOWN_UNIT: 404,
  UNKNOWN_DELIVERABLE: 404,
  UNKNOWN_OBLIGATION: 404,
  UNKNOWN_REQUEST: 404,
  UNKNOWN_INTERVIEW: 404,
  NOT_FOUND: 404,
  UNKNOWN_HAZARD: 404,
  INVALID_HAZARD: 400,
  EVIDENCE_MISSING: 400,
  PLAN_INCOMPLETE: 409,
  HAZARD_TRANSITION: 409,
  ACCEPTOR_CONFLICT: 409,
  LISTING_TRANSITION: 409,
  HAZARD_CONFLICT: 409,
  ALREADY_SUBMITTED: 409,
  ALREADY_WAIVED: 409,
  NOT_SUBMITTED: 409,
  DATE_IN_PAST: 409,
  DATE_NOT_LATER: 409,
  OBLIGATION_CLOSED: 409,
  ALREADY_LAUNCHED: 409,
  NOTHING_TO_CHASE: 409,
  REQUEST_DECIDED: 409,
  INTERVIEW_CLOSED: 409,
  OPERATOR_EXISTS: 409,
  NOT_AUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  LINK_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  LINK_EXPIRED: 410,
  FILE_TOO_LARGE: 413,
  FILE_TYPE_REFUSED: 415,
  LOGIN_THROTTLED: 429,
};

const LINE_COLUMN = /第(\d+)行第(\d+)列/;

/** A definition's problems, with their line and column where the message names them. */
function problemsOf(err: DubanError): { line?: number; column?: number; message: string }[] | undefined {
  const structured = (err as { problems?: { row: number; column: string; message: string }[] }).problems;
  if (structured) return err.details.map((message) => ({ message }));
  if (err.code !== 'INVALID_DEFINITION' || !err.details.length) return undefined;
  return err.details.map((message) => {
    const m = LINE_COLUMN.exec(message);
    return m ? { line: Number(m[1]), column: Number(m[2]), message } : { message };
  });
}

export function sendError(reply: FastifyReply, err: DubanError): FastifyReply {
  const body: Record<string, unknown> = { code: err.code, message: err.message };
  const problems = problemsOf(err);
  if (problems) body.problems = problems;
  if (err instanceof LoginThrottled) {
    body.retryAfterSeconds = err.retryAfterSeconds;
    void reply.header('retry-after', String(err.retryAfterSeconds));
  }
  return reply.status(STATUS[err.code] ?? 500).send({ error: body });
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DubanError) return sendError(reply, err);
  const e = err as FastifyError;
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return sendError(reply, new DubanError('FILE_TOO_LARGE', '上传的文件超过大小限制'));
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return reply.status(e.statusCode).send({ error: { code: 'INVALID_ARGUMENT', message: `请求有误：${e.message}` } });
  }
  request.log.error(err);
  return reply.status(500).send({ error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试或联系管理员（详情见服务器日志）' } });
}
