/**
 * `/hearth/blob-token/1`: a paired device asks its home node for an HTTP blob token.
 * The server checks the peer first; an unpaired peer's stream is reset with no answer.
 * The answer is one length-prefixed CBOR frame `{token, exp}`.
 */
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { decode, encode } from 'cborg';
import type { PeerAccess } from '../net/peer-access.ts';
import type { BlobTokenIssuer } from './blob-token.ts';
import { BlobProtocolError, BlobTokenTimeoutError } from './errors.ts';
import { readFrames, sendFrame } from './frame-stream.ts';

export const BLOB_TOKEN_PROTOCOL = '/hearth/blob-token/1';

/** Registers the token handler; returns a stop function. */
export async function serveBlobTokens(
  node: Pick<Libp2p, 'handle' | 'unhandle'>,
  access: PeerAccess,
  issuer: BlobTokenIssuer,
): Promise<() => Promise<void>> {
  await node.handle(BLOB_TOKEN_PROTOCOL, async (stream: Stream, connection: Connection) => {
    const peer = connection.remotePeer.toString();
    if (!access.isPaired(peer)) {
      stream.abort(new Error('not paired'));
      return;
    }
    try {
      const { token, expiresAt } = await issuer.mint(peer);
      await sendFrame(stream, encode({ token, exp: expiresAt }));
      await stream.close();
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  });
  return () => node.unhandle(BLOB_TOKEN_PROTOCOL);
}

/** How long a token request may take: every media request of a page waits on the pending one. */
export const TOKEN_TIMEOUT_MS = 15_000;

/** Asks a home node for a token; rejects when refused, or with no answer within `timeoutMs`. */
export async function requestBlobToken(
  node: Pick<Libp2p, 'dialProtocol'>,
  peer: PeerId,
  opts: { timeoutMs?: number } = {},
): Promise<{ token: string; expiresAt: number }> {
  const ms = opts.timeoutMs ?? TOKEN_TIMEOUT_MS;
  const signal = AbortSignal.timeout(ms);
  const stream = await node.dialProtocol(peer, BLOB_TOKEN_PROTOCOL, { signal });
  // A node that accepts the stream and never answers would otherwise hold every later request.
  const stop = () => stream.abort(new BlobTokenTimeoutError(peer.toString(), ms));
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const frame of readFrames(stream, 4096)) {
      const m = decode(frame) as { token?: unknown; exp?: unknown };
      if (typeof m.token !== 'string' || typeof m.exp !== 'number')
        throw new BlobProtocolError('malformed token answer');
      return { token: m.token, expiresAt: m.exp };
    }
    throw new BlobProtocolError('no token answer (not paired?)');
  } catch (e) {
    throw signal.aborted ? new BlobTokenTimeoutError(peer.toString(), ms, { cause: e }) : e;
  } finally {
    signal.removeEventListener('abort', stop);
    await stream.close().catch(() => undefined);
  }
}
