import type { Message, PeerId, PeerMetadata } from '@automerge/automerge-repo';
import { decode, encode } from 'cborg';

/** libp2p protocol id of automerge-repo sync. */
export const AUTOMERGE_PROTOCOL = '/hearth/automerge/1';

/** The first frame on a stream: who the sender's repo is. */
export interface HelloFrame {
  t: 'hello';
  peerId: PeerId;
  meta: PeerMetadata;
}

/** The frames on `/hearth/automerge/1`: one hello, then automerge-repo messages. */
export type AutomergeFrame = HelloFrame | { t: 'msg'; m: Message };

export function encodeFrame(frame: AutomergeFrame): Uint8Array {
  return encode(frame);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_ID = 256;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

function checkMessage(m: unknown): Message | string {
  if (!isObj(m)) return 'message is not a map';
  if (!isId(m['type'])) return 'message type missing';
  if (!isId(m['senderId']) || !isId(m['targetId'])) return 'message sender/target missing';
  if (m['data'] != null && !(m['data'] instanceof Uint8Array)) return 'message data is not bytes';
  if (m['documentId'] != null && !isId(m['documentId'])) return 'message documentId malformed';
  const out: Record<string, unknown> = {};
  // Strip nulls back to absent, as automerge-repo expects.
  for (const [k, v] of Object.entries(m)) if (v !== null) out[k] = v;
  return out as Message;
}

function checkMeta(v: unknown): PeerMetadata | string {
  if (v == null) return {};
  if (!isObj(v)) return 'peer metadata is not a map';
  const meta: PeerMetadata = {};
  if (v['storageId'] != null) {
    if (!isId(v['storageId'])) return 'storageId malformed';
    meta.storageId = v['storageId'] as NonNullable<PeerMetadata['storageId']>;
  }
  if (v['isEphemeral'] != null) {
    if (typeof v['isEphemeral'] !== 'boolean') return 'isEphemeral malformed';
    meta.isEphemeral = v['isEphemeral'];
  }
  return meta;
}

/** Decodes and validates a frame from a peer; a string says why it was rejected. */
export function decodeFrame(bytes: Uint8Array): AutomergeFrame | string {
  let v: unknown;
  try {
    v = decode(bytes);
  } catch (e) {
    return `not CBOR (${(e as Error).message})`;
  }
  if (!isObj(v)) return 'frame is not a map';
  if (v['t'] === 'hello') {
    if (!isId(v['peerId'])) return 'hello without peerId';
    const meta = checkMeta(v['meta']);
    if (typeof meta === 'string') return meta;
    return { t: 'hello', peerId: v['peerId'] as PeerId, meta };
  }
  if (v['t'] === 'msg') {
    const m = checkMessage(v['m']);
    return typeof m === 'string' ? m : { t: 'msg', m };
  }
  return 'unknown frame type';
}
