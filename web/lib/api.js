// The JSON API, called with the session cookie (HttpOnly, set at login).
// Every failure becomes an ApiError carrying the problem+json fields, so a
// form can put each message next to its field.

export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem || {};
    super(p.detail || p.title || `请求失败 (HTTP ${status})`);
    this.status = status;
    this.code = (p.type || '').replace('urn:fuyou:problem:', '');
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.problem = p;
  }

  // The server has no such endpoint yet (another part of fuyou still being
  // built): a 404 "no such path" or a 405 on a path that has other methods.
  get missing() {
    return (this.status === 404 && /no such path|没有这个地址/.test(this.message)) ||
      (this.status === 405 && this.code === 'method_not_allowed');
  }
}

let onUnauthenticated = () => {};
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

function qs(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function url(path, query) { return `/api/v1${path}${qs(query)}`; }

async function request(method, path, { query, body, headers, raw } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...(headers || {}) } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  for (let attempt = 0; ; attempt++) {
    try {
      res = await fetch(url(path, query), init);
      break;
    } catch (e) {
      // a read may be retried once (a dropped keep-alive connection); a write never
      if (method !== 'GET' || attempt > 0) {
        throw new ApiError(0, { detail: '无法连接服务器，请检查网络后重试 (the server cannot be reached)' });
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  if (res.ok && raw) return res;
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data || { detail: `请求失败 (HTTP ${res.status})` });
    if (res.status === 401 && path !== '/auth/login') onUnauthenticated(err);
    throw err;
  }
  if (data && typeof data === 'object') data.__etag = res.headers.get('ETag');
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body, query) => request('POST', path, { body: body ?? {}, query }),
  patch: (path, body, etag) => request('PATCH', path, { body, headers: etag ? { 'If-Match': etag } : {} }),
  raw: (path, query) => request('GET', path, { query, raw: true }),
};

// Reference data that does not change while the page is open.
const cache = new Map();
export function cached(path, query) {
  const key = url(path, query);
  if (!cache.has(key)) {
    const p = api.get(path, query).catch((e) => { cache.delete(key); throw e; });
    cache.set(key, p);
  }
  return cache.get(key);
}

export const districts = () => cached('/districts').then((d) => d.items);
export const institutions = (query) => cached('/institutions', query).then((d) => d.items);
export const criteria = () => cached('/risk/criteria');
