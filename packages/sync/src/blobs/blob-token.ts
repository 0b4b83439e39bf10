/**
 * Short-lived, HMAC-signed tokens that let a paired device read blobs over HTTP (the
 * browser's fast path; see DESIGN.md §4). A token names the device and expires; it is
 * minted over libp2p (`/hearth/blob-token/1`), so pairing still gates access, and it is
 * checked against the device list on every use, so revoking a device ends its tokens.
 *
 * Format: `base64url(JSON payload) "." base64url(HMAC-SHA256(key, payload))`.
 */
import { BlobTokenError } from './errors.ts';

/** What a valid token says. */
export interface BlobTokenClaims {
  /** The device (PeerId) it was minted for. */
  sub: string;
  scope: 'blob:read';
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Options of the token issuer. */
export interface BlobTokenIssuerOptions {
  /** At least 32 random bytes, kept by the home node. */
  key: Uint8Array;
  /** Lifetime of minted tokens (default 10 minutes). */
  ttlSeconds?: number;
  /** Whether the device is still paired (checked on every verify). */
  isPaired?: (device: string) => boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** Mints and checks blob read tokens. */
export interface BlobTokenIssuer {
  mint(device: string): Promise<{ token: string; expiresAt: number }>;
  /** Throws BlobTokenError when the token is malformed, forged, expired or its device revoked. */
  verify(token: string): Promise<BlobTokenClaims>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new BlobTokenError('not base64url');
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function createBlobTokenIssuer(options: BlobTokenIssuerOptions): BlobTokenIssuer {
  if (options.key.length < 32) throw new RangeError('blob token key must be at least 32 bytes');
  const ttl = options.ttlSeconds ?? 600;
  const now = options.now ?? Date.now;
  const key = crypto.subtle.importKey('raw', options.key.slice(), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  return {
    async mint(device) {
      const exp = Math.floor(now() / 1000) + ttl;
      const claims: BlobTokenClaims = { sub: device, scope: 'blob:read', exp };
      const payload = enc.encode(JSON.stringify(claims));
      const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await key, payload));
      return { token: `${b64url(payload)}.${b64url(sig)}`, expiresAt: exp * 1000 };
    },
    async verify(token) {
      if (token.length > 2048) throw new BlobTokenError('too long');
      const [p, s, extra] = token.split('.');
      if (!p || !s || extra !== undefined) throw new BlobTokenError('malformed');
      const payload = unb64url(p);
      // WebCrypto's verify compares in constant time.
      if (!(await crypto.subtle.verify('HMAC', await key, unb64url(s).slice(), payload.slice())))
        throw new BlobTokenError('bad signature');
      let claims: BlobTokenClaims;
      try {
        claims = JSON.parse(dec.decode(payload)) as BlobTokenClaims;
      } catch {
        throw new BlobTokenError('malformed payload');
      }
      if (claims.scope !== 'blob:read' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
        throw new BlobTokenError('wrong scope');
      if (claims.exp * 1000 <= now()) throw new BlobTokenError('expired');
      if (options.isPaired && !options.isPaired(claims.sub))
        throw new BlobTokenError('device no longer paired');
      return claims;
    },
  };
}
