/**
 * STUN/TURN servers for WebRTC between devices. The home node is configured with them
 * (`hearth start --ice-server`, `HEARTH_ICE_SERVERS`, `iceServers` in config.json) and
 * publishes the list in the root document signed by the library key, so every paired device
 * learns it (and later changes) the way it learns certificates, and a device that edits the
 * document cannot send the others' WebRTC through a TURN server of its choosing. A home node
 * without the library key signs its own list with its node key instead (`home-node-ice.ts`,
 * whose `readAllIceServers` merges both kinds).
 */
import { HearthError } from '../errors.ts';
import { fromBase64url, toBase64url } from '../identity/base64url.ts';
import { canonicalBytes } from '../identity/canonical.ts';
import { libraryPublicKey, type LibraryKey } from '../identity/library-key.ts';

/** One ICE server as `RTCPeerConnection` takes it (TURN needs a username and credential). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The signed list in the root document (`iceServers`). */
export interface SignedIceServers {
  libraryId: string;
  servers: IceServer[];
  /** when the node published it (ms since epoch) */
  at: number;
  /** base64url Ed25519 signature by the library key over the fields above */
  signature: string;
}

/** A bad ICE server setting: says which entry and why. */
export class IceServerConfigError extends HearthError {
  constructor(message: string) {
    super('ICE_SERVER_INVALID', message);
  }
}

const DOMAIN = 'hearth/ice-servers/1';
/** Bounds on a list from a document: past them it is ignored, not trimmed. */
export const ICE_LIMITS = { servers: 16, urls: 8, chars: 512 } as const;
const URL_RE = /^(stun|stuns|turn|turns):[^\s]+$/;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= ICE_LIMITS.chars;

/** Checks a list (from a setting or a document) and returns it normalised; throws saying why. */
export function checkIceServers(list: unknown): IceServer[] {
  if (!Array.isArray(list)) throw new IceServerConfigError('ICE servers must be a list');
  if (list.length > ICE_LIMITS.servers)
    throw new IceServerConfigError(`at most ${ICE_LIMITS.servers} ICE servers, got ${list.length}`);
  return list.map((e, i) => {
    const entry = typeof e === 'string' ? { urls: [e] } : e;
    if (!isObj(entry)) throw new IceServerConfigError(`ICE server ${i + 1}: not a URL or {urls, …}`);
    const urls = typeof entry['urls'] === 'string' ? [entry['urls']] : entry['urls'];
    if (!Array.isArray(urls) || urls.length === 0 || urls.length > ICE_LIMITS.urls || !urls.every(str))
      throw new IceServerConfigError(`ICE server ${i + 1}: urls must be 1–${ICE_LIMITS.urls} URLs`);
    for (const u of urls as string[])
      if (!URL_RE.test(u))
        throw new IceServerConfigError(
          `ICE server ${i + 1}: "${u.slice(0, 80)}" is not a stun:, stuns:, turn: or turns: URL`,
        );
    const out: IceServer = { urls: [...(urls as string[])] };
    const { username, credential } = entry;
    if (username !== undefined || credential !== undefined) {
      if (!str(username) || !str(credential))
        throw new IceServerConfigError(`ICE server ${i + 1}: username and credential must both be given`);
      out.username = username as string;
      out.credential = credential as string;
    }
    // Browsers refuse the whole configuration for a TURN URL without credentials.
    if ((urls as string[]).some((u) => u.startsWith('turn')) && out.username === undefined)
      throw new IceServerConfigError(`ICE server ${i + 1}: a TURN server needs a username and credential`);
    return out;
  });
}

/**
 * Reads a setting: a JSON list (`[{"urls":"turn:…","username":"…","credential":"…"}]`) or
 * STUN URLs separated by commas or spaces (`stun:stun.example.org:3478`). Empty: none.
 */
export function parseIceServers(text: string): IceServer[] {
  const t = text.trim();
  if (!t) return [];
  if (t.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch (e) {
      throw new IceServerConfigError(`ICE servers: not valid JSON (${(e as Error).message})`);
    }
    return checkIceServers(parsed);
  }
  return checkIceServers(t.split(/[\s,]+/).filter(Boolean));
}

const fields = (s: Omit<SignedIceServers, 'signature'>) => ({
  libraryId: s.libraryId,
  servers: JSON.stringify(s.servers),
  at: s.at,
});

/** Signs the list with the library key (the node writes the result into the root document). */
export async function signIceServers(
  key: LibraryKey,
  servers: readonly IceServer[],
  at = Date.now(),
): Promise<SignedIceServers> {
  const body = { libraryId: key.id as string, servers: checkIceServers(servers), at };
  const sig = await key.privateKey.sign(canonicalBytes(DOMAIN, fields(body)));
  return { ...body, signature: toBase64url(sig) };
}

/**
 * The ICE servers a root document (from any peer, so untrusted) names: the list signed by the
 * library key, else none. A forged, malformed or oversized entry counts as none.
 */
export async function readIceServers(root: unknown, publicKey: string): Promise<IceServer[]> {
  const e = isObj(root) ? root['iceServers'] : undefined;
  if (!isObj(e) || typeof e['signature'] !== 'string' || typeof e['at'] !== 'number') return [];
  const sig = fromBase64url(e['signature']);
  if (sig?.length !== 64 || typeof e['libraryId'] !== 'string') return [];
  try {
    const servers = checkIceServers(plain(e['servers']));
    const body = { libraryId: e['libraryId'], servers, at: e['at'] };
    return (await libraryPublicKey(publicKey).verify(canonicalBytes(DOMAIN, fields(body)), sig))
      ? servers
      : [];
  } catch {
    return [];
  }
}

/** A copy without Automerge's proxies (its strings may be objects until read). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null)) as unknown;
