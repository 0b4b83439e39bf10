import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeviceAdmin } from './device-admin.ts';
import { NodePeerError } from './errors.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * The admin token: a random secret in `<data>/admin.token` (0600). Whoever can read the
 * data dir may pair and revoke devices through the running daemon; nobody else can.
 */
export async function loadOrCreateAdminToken(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const token = randomBytes(32).toString('base64url');
    if (!(await writeFileAtomic(path, token + '\n', { mode: 0o600, exclusive: true })))
      return (await readFile(path, 'utf8')).trim();
    return token;
  }
}

function authorised(req: IncomingMessage, token: string): boolean {
  const got = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** `/api/admin/*` routes for `hearth pair` and `hearth devices` (local CLI → daemon). */
export function adminRoute(admin: () => DeviceAdmin | undefined, token: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (!path.startsWith('/api/admin/')) return false;
    const json = (status: number, body: unknown) =>
      void res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    if (!authorised(req, token))
      return (json(401, { code: 'UNAUTHORISED', message: 'admin token missing or wrong' }), true);
    const a = admin();
    if (!a) return (json(503, { code: 'NOT_READY', message: 'the node is starting' }), true);
    try {
      if (req.method === 'POST' && path === '/api/admin/pairing-codes') {
        // `?role=home-node`: a code for a second home node (`hearth pair --home-node`).
        const role = url.searchParams.get('role') === 'home-node' ? 'home-node' : 'device';
        return (json(200, a.offer(role)), true);
      }
      if (req.method === 'GET' && path === '/api/admin/devices') return (json(200, await a.list()), true);
      const m = /^\/api\/admin\/devices\/([^/]+)\/revoke$/.exec(path);
      if (req.method === 'POST' && m)
        return (json(200, await a.revoke(decodeURIComponent(m[1] ?? ''))), true);
      return (json(404, { code: 'NOT_FOUND', message: `no admin route ${req.method} ${path}` }), true);
    } catch (err) {
      const e = err as NodePeerError;
      return (
        json(e instanceof NodePeerError ? 400 : 500, { code: e.code ?? 'INTERNAL', message: e.message }),
        true
      );
    }
  };
}
