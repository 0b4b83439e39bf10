/** What each new WebRTC peer connection of a browser node is configured with. */
import type { PeerNodeInit } from './peer-node.ts';

/**
 * The `RTCConfiguration` of each new peer connection: a fresh object every time (libp2p fills
 * in its default STUN servers — Google's and others — on the object it is given when it has
 * none), with the servers read now when `iceServers` is a function.
 */
export function rtcConfigurationOf(
  init: Pick<PeerNodeInit, 'iceServers'>,
): () => { iceServers: { urls: string | string[]; username?: string; credential?: string }[] } {
  return () => {
    const list = typeof init.iceServers === 'function' ? init.iceServers() : (init.iceServers ?? []);
    return { iceServers: list.map((s) => ({ ...s, urls: Array.isArray(s.urls) ? [...s.urls] : s.urls })) };
  };
}
