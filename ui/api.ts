// Every call to the JSON API (docs/api.md): credentials by cookie, the CSRF header on console POSTs, errors as ApiFailure
// carrying the server's Chinese message; a 401 on a console call sends the browser to /login.
import type { ApiError, Session } from '../web/api-types';
import { navigate } from './router';

export type Problem = { line?: number; column?: number; message: string };

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  /** a JSON body */
  json?: unknown;
  /** a multipart body */
  form?: FormData;
  /** portal calls: no CSRF header, and a 401 is the page's own business (链接无效) */
  portal?: boolean;
  signal?: AbortSignal;
}

const STATUS_MESSAGES: Record<number, string> = {
  400: '请求有误',
  401: '未登录或登录已过期，请重新登录',
  403: '无权进行此操作',
  404: '未找到',
  409: '当前状态下不能进行此操作',
  410: '链接已过期',
  413: '文件过大',
  415: '不接受此类型的文件',
  429: '尝试次数过多，请稍后再试',
};

async function failureOf(res: Response): Promise<ApiFailure> {
  let body: Partial<ApiError> | null = null;
  try {
    body = (await res.json()) as Partial<ApiError>;
  } catch {
    body = null;
  }
  const e = body?.error;
  const retryHeader = Number(res.headers.get('retry-after'));
  return new ApiFailure(
    res.status,
    e?.code ?? `HTTP_${res.status}`,
    e?.message ?? STATUS_MESSAGES[res.status] ?? `服务器错误（${res.status}），请稍后重试`,
    e?.problems ?? [],
    e?.retryAfterSeconds ?? (Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined),
  );
}

function isLoginPath(path: string) {
  return path === '/api/login' || path === '/api/session' || path === '/api/logout';
}

async function send(path: string, options: CallOptions): Promise<Response> {
  const method = options.method ?? (options.json !== undefined || options.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  if (method === 'POST' && !options.portal && path !== '/api/login' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiFailure(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
}

function toLogin() {
  const here = window.location.pathname + window.location.search;
  if (window.location.pathname === '/login') return;
  navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
}

/** One call; resolves with the JSON answer or rejects with ApiFailure. */
export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  let res = await send(path, options);
  if (res.status === 403 && options.method !== 'GET' && !options.portal && !isLoginPath(path)) {
    // The session's token may have changed (a login in another tab): fetch it once more and retry.
    const failure = await failureOf(res.clone());
    if (failure.code === 'CSRF_REJECTED' && (await refreshCsrf())) res = await send(path, options);
  }
  if (!res.ok) {
    const failure = await failureOf(res);
    if (res.status === 401 && !options.portal && path !== '/api/login') {
      setCsrfToken(null);
      if (path !== '/api/session') toLogin();
    }
    throw failure;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function refreshCsrf(): Promise<boolean> {
  try {
    const res = await send('/api/session', { method: 'GET' });
    if (!res.ok) return false;
    setCsrfToken(((await res.json()) as Session).csrfToken);
    return true;
  } catch {
    return false;
  }
}

/** Downloads a file answer (the Excel export) under the server's file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await send(path, { method: 'GET' });
  if (!res.ok) {
    const failure = await failureOf(res);
    if (res.status === 401) toLogin();
    throw failure;
  }
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  let name = fallbackName;
  try {
    if (star) name = decodeURIComponent(star[1]);
    else if (plain) name = plain[1];
  } catch {
    name = fallbackName;
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Multipart body from named files and fields (absent ones are left out). */
export function formOf(fields: Record<string, File | string | null | undefined | false>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined || v === false) continue;
    form.append(k, v);
  }
  return form;
}
