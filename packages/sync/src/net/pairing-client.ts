import type { Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { verifyCertificate } from '../identity/certificates.ts';
import { normalizeCode } from './pairing-codes.ts';
import type { DeviceRole } from '../identity/device-certificate.ts';
import { PairingFailedError, PairingRoleMismatchError, pairingErrorFromCode } from './pairing-errors.ts';
import type { PairingLink } from './pairing-link.ts';
import {
  PAIR_PROTOCOL,
  nextPairFrame,
  grantHttpUrls,
  pairingProof,
  readPairFrames,
  sendPairFrame,
  type PairingGrant,
} from './pairing-protocol.ts';
import { withTimeout } from './with-timeout.ts';

/** What the device learns by pairing. */
export interface PairingResult extends PairingGrant {
  /** the home node that paired us: trust it before the root document arrives */
  homeNode: string;
}

/**
 * Pairs this node with the home node named in `link`, proving the code without sending
 * it. Throws the typed pairing errors (PairingCodeInvalidError, …) the home node answers
 * with, or PairingFailedError when the answer does not verify.
 */
export async function pairWithCode(
  node: Pick<Libp2p, 'dialProtocol' | 'peerId'>,
  link: PairingLink,
  options: {
    name: string;
    timeoutMs?: number;
    /** Join as a second home node (the code must have been issued for one); default a device. */
    role?: DeviceRole;
  },
): Promise<PairingResult> {
  const home = peerIdFromString(link.peerId);
  const addrs = link.addrs.map((a) => {
    const ma = multiaddr(a);
    return ma.getComponents().some((c) => c.name === 'p2p') ? ma : ma.encapsulate(`/p2p/${link.peerId}`);
  });
  const me = node.peerId.toString();
  const role = options.role ?? 'device';
  const run = async (): Promise<PairingResult> => {
    let stream;
    try {
      stream = await node.dialProtocol(addrs, PAIR_PROTOCOL);
    } catch (e) {
      throw new PairingFailedError(`cannot reach the home node at ${link.addrs.join(', ')}`, { cause: e });
    }
    try {
      const frames = readPairFrames(stream);
      const challenge = await nextPairFrame(frames);
      if (
        challenge['t'] !== 'challenge' ||
        !(challenge['nonce'] instanceof Uint8Array) ||
        challenge['nonce'].length !== 32
      )
        throw new PairingFailedError('no challenge from the home node');
      const mac = pairingProof(normalizeCode(link.code), home.toString(), me, challenge['nonce']);
      // A device sends no role, as before roles existed (older home nodes accept the frame).
      sendPairFrame(stream, { t: 'proof', mac, name: options.name, ...(role === 'device' ? {} : { role }) });
      const answer = await nextPairFrame(frames);
      if (answer['t'] === 'err')
        throw answer['code'] === 'PAIRING_ROLE_MISMATCH'
          ? new PairingRoleMismatchError(role === 'device' ? 'home-node' : 'device')
          : pairingErrorFromCode(answer['code']);
      if (
        answer['t'] !== 'ok' ||
        typeof answer['rootDocUrl'] !== 'string' ||
        typeof answer['libraryPublicKey'] !== 'string'
      )
        throw new PairingFailedError('malformed answer from the home node');
      const certificate = await verifyCertificate(answer['certificate'], answer['libraryPublicKey']);
      if (certificate.deviceId !== me) throw new PairingFailedError('the certificate is for another device');
      if (certificate.role !== role)
        throw new PairingFailedError(`the certificate is for a ${certificate.role}, not a ${role}`);
      await stream.close().catch(() => {});
      const result: PairingResult = {
        certificate,
        rootDocUrl: answer['rootDocUrl'],
        libraryPublicKey: answer['libraryPublicKey'],
        homeNode: link.peerId,
      };
      const urls = grantHttpUrls(answer['httpUrls']);
      if (urls.length > 0) result.httpUrls = urls;
      return result;
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  };
  return withTimeout(run(), options.timeoutMs ?? 30_000, 'pairing');
}
