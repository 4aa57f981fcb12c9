// A console session for API tests: logs in, keeps the session cookie and sends the CSRF token with every call.
export async function session(base: string, name: string, password: string) {
  const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  const cookie = res.headers.get('set-cookie')!.split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method: string, path: string, json?: unknown) => {
    const answer = await fetch(base + path, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
  };
}
