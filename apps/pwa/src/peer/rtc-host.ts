/**
 * The page's half of WebRTC for the peer worker: it owns the RTCPeerConnections (browsers
 * offer them only in a window), runs the calls the worker's libp2p makes on them, reports
 * their events, and hands every data channel to the worker (a transferable object), so the
 * data itself never passes through the page. See rtc-worker-shim.ts for the other half.
 */
import { RTC_PORT_MESSAGE, type RtcEvent, type RtcPcState, type RtcRequest } from './rtc-protocol.ts';

const stateOf = (pc: RTCPeerConnection): RtcPcState => ({
  connectionState: pc.connectionState,
  iceConnectionState: pc.iceConnectionState,
  signalingState: pc.signalingState,
  localDescription: pc.localDescription?.toJSON() ?? null,
  remoteDescription: pc.remoteDescription?.toJSON() ?? null,
});

/** Serves the RTC port the worker announces; returns what stops it (closing every connection). */
export function hostWorkerRtc(worker: Worker): () => void {
  const pcs = new Map<number, RTCPeerConnection>();
  let port: MessagePort | undefined;
  const send = (e: RtcEvent, transfer: Transferable[] = []) => port?.postMessage(e, transfer);

  function open(id: number, config: RTCConfiguration): void {
    const pc = new RTCPeerConnection(config);
    pcs.set(id, pc);
    const state = () => send({ ev: 'state', pc: id, state: stateOf(pc) });
    pc.onconnectionstatechange = state;
    pc.oniceconnectionstatechange = state;
    pc.onsignalingstatechange = state;
    pc.onicecandidate = ({ candidate }) =>
      send({ ev: 'icecandidate', pc: id, candidate: candidate?.toJSON() ?? null });
    pc.onicecandidateerror = (e) =>
      send({ ev: 'icecandidateerror', pc: id, errorCode: e.errorCode, errorText: e.errorText, url: e.url });
    // Transferred in the event's own task, before any message can be delivered to the page.
    pc.ondatachannel = ({ channel }) =>
      send({ ev: 'datachannel', pc: id, channel }, [channel as unknown as Transferable]);
  }

  function call(pc: RTCPeerConnection, method: string, arg: unknown): Promise<unknown> {
    if (method === 'createOffer') return pc.createOffer();
    if (method === 'createAnswer') return pc.createAnswer();
    if (method === 'setLocalDescription') return pc.setLocalDescription(arg as RTCSessionDescriptionInit);
    if (method === 'setRemoteDescription') return pc.setRemoteDescription(arg as RTCSessionDescriptionInit);
    if (method === 'addIceCandidate') return pc.addIceCandidate(arg as RTCIceCandidateInit);
    return Promise.reject(new TypeError(`no RTCPeerConnection method ${method}`));
  }

  function onRequest(r: RtcRequest): void {
    if (r.op === 'pc') return open(r.pc, r.config);
    const pc = pcs.get(r.pc);
    if (r.op === 'close') {
      pc?.close();
      pcs.delete(r.pc);
      return;
    }
    if (r.op === 'dc') {
      try {
        if (!pc) throw new Error('peer connection closed');
        const channel = pc.createDataChannel(r.label, r.init);
        send({ ev: 'channel', dc: r.dc, channel }, [channel as unknown as Transferable]);
      } catch (e) {
        send({ ev: 'channel', dc: r.dc, error: String(e) });
      }
      return;
    }
    if (!pc) {
      send({
        ev: 'result',
        call: r.call,
        ok: false,
        name: 'InvalidStateError',
        message: 'peer connection closed',
      });
      return;
    }
    call(pc, r.method, r.arg).then(
      (value) => {
        const plain = value as { toJSON?: () => unknown } | undefined;
        send({ ev: 'result', call: r.call, ok: true, value: plain?.toJSON?.() ?? plain, state: stateOf(pc) });
      },
      (e: unknown) => {
        const err = e as { name?: string; message?: string };
        send({
          ev: 'result',
          call: r.call,
          ok: false,
          name: err.name ?? 'Error',
          message: String(err.message ?? e),
        });
      },
    );
  }

  const onMessage = (ev: MessageEvent<unknown>) => {
    if ((ev.data as { t?: unknown } | null)?.t !== RTC_PORT_MESSAGE || !ev.ports[0]) return;
    port = ev.ports[0];
    port.onmessage = (m: MessageEvent<RtcRequest>) => onRequest(m.data);
  };
  worker.addEventListener('message', onMessage);
  return () => {
    worker.removeEventListener('message', onMessage);
    for (const pc of pcs.values()) pc.close();
    pcs.clear();
    port?.close();
  };
}
