/**
 * Which of the home node's HTTP URLs (from the pairing grant) this device uses for blobs: the
 * one on the host it reached the node by over libp2p (that host is reachable from here), else
 * the app's own origin when the node serves the app, else the node's first choice. With no
 * URLs (a node older than the field) the app's origin it is, as before.
 */
export function pickHomeHttpUrl(
  urls: readonly string[] | undefined,
  dialedAddrs: readonly string[],
  appOrigin: string,
): string {
  if (!urls || urls.length === 0) return appOrigin;
  const hosts = new Set(
    dialedAddrs
      .map((a) => /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)/.exec(a)?.[1])
      .filter((h) => h !== undefined),
  );
  const host = (u: string) => new URL(u).hostname.replace(/^\[|\]$/g, '');
  return (
    urls.find((u) => hosts.has(host(u))) ??
    urls.find((u) => new URL(u).origin === new URL(appOrigin).origin) ??
    urls[0]!
  );
}
