import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { HearthError } from '../errors.ts';
import type { DeviceRole } from '../identity/device-certificate.ts';
import type { PairingCodes } from './pairing-codes.ts';
import {
  PAIR_PROTOCOL,
  nextPairFrame,
  pairingProof,
  readPairFrames,
  sameMac,
  sendPairFrame,
  type PairingGrant,
} from './pairing-protocol.ts';

/** Options of {@link createPairingServer}. */
export interface PairingServerOptions {
  node: Pick<Libp2p, 'handle' | 'unhandle' | 'peerId'>;
  codes: PairingCodes;
  /**
   * Admits the device: signs its certificate with the library key and records it in the
   * root document (the app's job: it holds the key). Called once per redeemed code.
   */
  admit(device: { deviceId: string; name: string; role: DeviceRole }): Promise<PairingGrant>;
  /**
   * A revoked key is refused without a word (a new key pairs): the connection gater lets it in
   * only to tell it it was revoked (revocation-courier.ts), and it must not use up a code.
   */
  isRevoked?: (deviceId: string) => boolean;
  /** Each pairing attempt and its outcome, for the audit log. */
  onAttempt?: (event: { deviceId: string; name?: string; ok: boolean; code?: string }) => void;
}

/** Serves `/hearth/pair/1` on the issuing node. */
export interface PairingServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_NAME = 200;

export function createPairingServer(options: PairingServerOptions): PairingServer {
  const { node, codes } = options;
  const homeId = node.peerId.toString();

  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const deviceId = connection.remotePeer.toString();
    if (options.isRevoked?.(deviceId)) {
      stream.abort(new Error('revoked'));
      return;
    }
    try {
      const nonce = crypto.getRandomValues(new Uint8Array(32));
      sendPairFrame(stream, { t: 'challenge', nonce });
      const frames = readPairFrames(stream);
      const proof = await nextPairFrame(frames);
      const { mac, name } = proof;
      const role = proof['role'] ?? 'device';
      if (
        proof['t'] !== 'proof' ||
        (role !== 'device' && role !== 'home-node') ||
        !(mac instanceof Uint8Array) ||
        typeof name !== 'string' ||
        name.length === 0 ||
        name.length > MAX_NAME
      ) {
        stream.abort(new Error('malformed proof'));
        options.onAttempt?.({ deviceId, ok: false, code: 'PROTOCOL_VIOLATION' });
        return;
      }
      let grant: PairingGrant;
      try {
        // The code decides the role: a code shown for a device cannot make a home node.
        codes.redeem((code) => sameMac(pairingProof(code, homeId, deviceId, nonce), mac), role);
        grant = await options.admit({ deviceId, name, role });
      } catch (e) {
        const code = (e as HearthError).code ?? 'PAIRING_FAILED';
        options.onAttempt?.({ deviceId, name, ok: false, code });
        sendPairFrame(stream, { t: 'err', code });
        await stream.close();
        return;
      }
      options.onAttempt?.({ deviceId, name, ok: true });
      sendPairFrame(stream, { t: 'ok', ...grant });
      await stream.close();
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  return {
    async start() {
      // One pairing at a time per connection: guessing codes in parallel gains nothing.
      await node.handle(PAIR_PROTOCOL, handle, { maxInboundStreams: 1 });
    },
    async stop() {
      await node.unhandle(PAIR_PROTOCOL);
    },
  };
}
