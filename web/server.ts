// The console (工作台) and the units' portal over HTTP: the JSON API (docs/api.md) and the built browser app.
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { login, logout, SESSION_HOURS } from '../access/sessions';
import { DubanError } from '../domain/errors';
import { SESSION_COOKIE, registerAuth } from './auth';
import { registerConsoleRoutes } from './console-routes';
import type { ConsoleDeps } from './deps';
import { errorHandler } from './errors';
import { registerHazardRoutes } from './hazard-routes';
import { registerPortalRoutes } from './portal-routes';

const loginBody = z.object({ name: z.string().max(64), password: z.string().max(256) });

// antd writes its styles at run time (CSS-in-JS), hence 'unsafe-inline' for styles only.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function createConsoleServer(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: process.env.DUBAN_WEB_LOG ?? 'warn' }, bodyLimit: 1024 * 1024, trustProxy: false });
  const secureCookie = deps.publicUrl.startsWith('https:');
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: deps.maxUploadBytes } });
  app.setErrorHandler(errorHandler);
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', CSP);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    // a unit's link is its credential: never leak it to another site through Referer
    void reply.header('referrer-policy', 'no-referrer');
  });
  registerAuth(app, deps.db);

  app.post('/api/login', async (request, reply) => {
    const parsed = loginBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new DubanError('INVALID_ARGUMENT', '请填写账号和密码');
    const session = await login(deps.db, parsed.data.name.trim(), parsed.data.password);
    void reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookie,
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return { operator: session.operator, csrfToken: session.csrfToken };
  });
  app.post('/api/logout', async (request, reply) => {
    await logout(deps.db, request.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
  app.get('/api/session', async (request) => ({ operator: request.operator, csrfToken: request.csrfToken }));

  registerConsoleRoutes(app, deps);
  registerPortalRoutes(app, deps);
  registerHazardRoutes(app, deps);

  const index = deps.uiDir ? join(deps.uiDir, 'index.html') : undefined;
  if (deps.uiDir && index && existsSync(index)) {
    await app.register(fastifyStatic, { root: deps.uiDir, prefix: '/', index: false, wildcard: true, maxAge: '1h' });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0];
    if (request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/') && index && existsSync(index)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `没有这个地址：${request.method} ${path}` } });
  });
  return app;
}

export async function startConsoleServer(deps: ConsoleDeps, at: { host: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const app = await createConsoleServer(deps);
  await app.listen({ host: at.host, port: at.port });
  return { url: `http://${at.host}:${at.port}`, close: () => app.close() };
}
