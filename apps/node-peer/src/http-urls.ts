import { networkInterfaces } from 'node:os';

/**
 * The URLs under which devices can reach the node's HTTP server, best first, for the pairing
 * grant (an app served from another origin fetches blobs there). Bound to all interfaces,
 * the server's own URL says 127.0.0.1, which a phone cannot use: each LAN IPv4 address comes
 * first then. The device picks the one on the host it reached the node by.
 */
export function advertisedHttpUrls(
  serverUrl: string,
  host: string,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string[] {
  if (!serverUrl) return [];
  if (host !== '0.0.0.0') return [serverUrl];
  const urls: string[] = [];
  for (const list of Object.values(interfaces))
    for (const i of list ?? []) {
      if (i.internal || i.family !== 'IPv4') continue;
      const u = new URL(serverUrl);
      u.hostname = i.address;
      urls.push(u.toString());
    }
  return [...urls, serverUrl];
}
