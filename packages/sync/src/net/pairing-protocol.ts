import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { decode, encode } from 'cborg';
import type { DeviceCertificate, DeviceRole } from '../identity/device-certificate.ts';
import { PairingFailedError } from './pairing-errors.ts';

/** libp2p protocol id of pairing: the only protocol an unpaired peer may open. */
export const PAIR_PROTOCOL = '/hearth/pair/1';
/** Pairing frames are small; anything bigger is an attack. */
export const MAX_PAIR_FRAME = 64 * 1024;

/** What a paired device receives. */
export interface PairingGrant {
  certificate: DeviceCertificate;
  /** automerge URL of the library root document */
  rootDocUrl: string;
  /** base64url raw Ed25519 public key of the library */
  libraryPublicKey: string;
  /**
   * Where the home node serves HTTP (the blob endpoint, maybe the app), best first: lets an
   * app served from another origin fetch blobs. Optional, so older nodes and devices still
   * pair (a device that does not know the field ignores it).
   */
  httpUrls?: string[];
}

/** At most this many HTTP URLs are taken from a grant. */
export const MAX_GRANT_URLS = 8;

/** The http(s) URLs of a grant's `httpUrls`, normalised; anything else is dropped. */
export function grantHttpUrls(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (typeof x !== 'string' || x.length > 2048) continue;
    try {
      const u = new URL(x);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password)
        out.push(u.toString());
    } catch {
      // not a URL: dropped
    }
    if (out.length === MAX_GRANT_URLS) break;
  }
  return out;
}

/** The frames of `/hearth/pair/1`, in order. */
export type PairFrame =
  | { t: 'challenge'; nonce: Uint8Array }
  /** `role` is absent for a device (older devices never send it); `home-node` to join as one. */
  | { t: 'proof'; mac: Uint8Array; name: string; role?: DeviceRole }
  | ({ t: 'ok' } & PairingGrant)
  | { t: 'err'; code: string };

/**
 * The proof of the code: HMAC-SHA256 keyed by the code over both PeerIds and the home
 * node's nonce. The code itself never travels, a proof made for one home node is useless
 * with another, and a recorded proof cannot be replayed (fresh nonce).
 */
export function pairingProof(code: string, homeId: string, deviceId: string, nonce: Uint8Array): Uint8Array {
  const te = new TextEncoder();
  const msg = encode(['hearth/pair/1', homeId, deviceId, nonce]);
  return hmac(sha256, te.encode(code), msg);
}

/** Constant-time comparison of two MACs. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function sendPairFrame(stream: Stream, frame: PairFrame): void {
  stream.send(lp.encode.single(encode(frame)));
}

/** Reads the frames of a pairing stream, each decoded but not yet validated. */
export async function* readPairFrames(stream: Stream): AsyncGenerator<Record<string, unknown>> {
  for await (const chunk of lp.decode(stream, { maxDataLength: MAX_PAIR_FRAME })) {
    let v: unknown;
    try {
      v = decode(chunk.subarray());
    } catch {
      throw new PairingFailedError('malformed frame');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new PairingFailedError('malformed frame');
    yield v as Record<string, unknown>;
  }
}

/** The next frame, or a PairingFailedError when the stream ends first. */
export async function nextPairFrame(
  frames: AsyncGenerator<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const r = await frames.next();
  if (r.done) throw new PairingFailedError('the other side closed the stream');
  return r.value;
}
