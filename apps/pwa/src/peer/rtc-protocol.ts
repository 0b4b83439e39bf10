/**
 * Messages between the peer worker and the page for WebRTC (rtc-worker-shim.ts, rtc-host.ts).
 * Browsers offer `RTCPeerConnection` only in a window, but a data channel can be transferred
 * to a worker: the page owns each peer connection, the worker drives it and owns its channels.
 */

/** The state the worker mirrors of a peer connection in the page. */
export interface RtcPcState {
  connectionState: RTCPeerConnectionState;
  iceConnectionState: RTCIceConnectionState;
  signalingState: RTCSignalingState;
  localDescription: RTCSessionDescriptionInit | null;
  remoteDescription: RTCSessionDescriptionInit | null;
}

export type RtcMethod =
  'createOffer' | 'createAnswer' | 'setLocalDescription' | 'setRemoteDescription' | 'addIceCandidate';

/** worker → page */
export type RtcRequest =
  | { op: 'pc'; pc: number; config: RTCConfiguration }
  | { op: 'call'; pc: number; call: number; method: RtcMethod; arg?: unknown }
  | { op: 'dc'; pc: number; dc: number; label: string; init?: RTCDataChannelInit }
  | { op: 'close'; pc: number };

/** page → worker (channels travel in the transfer list) */
export type RtcEvent =
  | { ev: 'result'; call: number; ok: true; value?: unknown; state: RtcPcState }
  | { ev: 'result'; call: number; ok: false; name: string; message: string }
  | { ev: 'state'; pc: number; state: RtcPcState }
  | { ev: 'icecandidate'; pc: number; candidate: RTCIceCandidateInit | null }
  | { ev: 'icecandidateerror'; pc: number; errorCode: number; errorText: string; url: string }
  | { ev: 'datachannel'; pc: number; channel: RTCDataChannel }
  | { ev: 'channel'; dc: number; channel: RTCDataChannel }
  | { ev: 'channel'; dc: number; error: string };

/** The first message of the worker: the port the RTC messages use (kept off the peer protocol). */
export const RTC_PORT_MESSAGE = 'hearth-rtc-port';
