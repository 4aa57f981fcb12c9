// Who is calling: the operator behind the session cookie, checked on every /api call but login and the
import type {} from '@fastify/cookie';
// portal's; a state-changing call must also carry the session's CSRF token and come from this origin.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../access/operators';
import { type SessionOperator, sessionOf } from '../access/sessions';
import { DubanError } from '../domain/errors';
import type { Db } from '../store/db';

export const SESSION_COOKIE = 'duban_session';

declare module 'fastify' {
  interface FastifyRequest {
    operator?: SessionOperator;
    csrfToken?: string;
  }
}

const PUBLIC = [/^\/api\/login$/, /^\/api\/portal\//];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request from another site: its Origin (or Referer) names a different host than the one it was sent to. */
function crossOrigin(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  try {
    return new URL(source).host !== request.headers.host;
  } catch {
    return true;
  }
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const path = request.url.split('?')[0];
    if (!path.startsWith('/api/')) return;
    if (!SAFE_METHODS.has(request.method) && crossOrigin(request)) {
      throw new DubanError('CSRF_REJECTED', '请求来自其他网站，已拒绝');
    }
    if (PUBLIC.some((re) => re.test(path))) return;
    const session = await sessionOf(db, request.cookies[SESSION_COOKIE]);
    if (!session) throw new DubanError('NOT_AUTHENTICATED', '请先登录');
    request.operator = session.operator;
    request.csrfToken = session.csrfToken;
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new DubanError('CSRF_REJECTED', '请求缺少有效的防伪令牌（请刷新页面后重试）');
    }
  });
}

export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.operator || !roles.includes(request.operator.role)) {
      throw new DubanError('FORBIDDEN', '无权访问：此操作需要管理员权限');
    }
  };
}

/** How the operator appears in the record: `operator:NAME`, never the server's login. */
export function actorOf(request: FastifyRequest): string {
  if (!request.operator) throw new DubanError('NOT_AUTHENTICATED', '请先登录');
  return `operator:${request.operator.name}`;
}
