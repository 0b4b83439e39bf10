import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import { normalizeCode } from './pairing-codes.ts';
import { PairingLinkError } from './pairing-errors.ts';

/** What a pairing link / QR code carries: the code and where to find the home node. */
export interface PairingLink {
  code: string;
  /** the home node's PeerId: the device checks it is talking to that node */
  peerId: string;
  /** the home node's multiaddrs */
  addrs: string[];
}

const CODE = /^[0-9A-HJKMNP-TV-Z]{8}$/;

/** `hearth://pair?c=7KQ2-M9XD&p=12D3Koo…&a=%2Fip4%2F…` */
export function encodePairingLink(link: PairingLink): string {
  const q = new URLSearchParams();
  q.set('c', link.code);
  q.set('p', link.peerId);
  for (const a of link.addrs) q.append('a', a);
  return `hearth://pair?${q.toString()}`;
}

/** Parses a pairing link; throws PairingLinkError naming what is wrong. */
export function parsePairingLink(text: string): PairingLink {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new PairingLinkError('not a link');
  }
  if (url.protocol !== 'hearth:' || url.hostname !== 'pair')
    throw new PairingLinkError('not a hearth://pair link');
  const code = url.searchParams.get('c');
  if (code === null || !CODE.test(normalizeCode(code)))
    throw new PairingLinkError('the code is missing or malformed');
  const peerId = url.searchParams.get('p') ?? '';
  try {
    peerIdFromString(peerId);
  } catch {
    throw new PairingLinkError('the home node id is missing or malformed');
  }
  const addrs = url.searchParams.getAll('a');
  if (addrs.length === 0) throw new PairingLinkError('no address of the home node');
  for (const a of addrs) {
    try {
      multiaddr(a);
    } catch {
      throw new PairingLinkError(`address ${JSON.stringify(a.slice(0, 100))} is malformed`);
    }
  }
  return { code: normalizeCode(code), peerId, addrs };
}
