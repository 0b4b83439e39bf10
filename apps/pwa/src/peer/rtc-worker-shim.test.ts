// @vitest-environment node
/**
 * The worker's WebRTC stand-ins as logic units, against a fake port and fake channels (the
 * real page/worker pair runs in e2e/webrtc.e2e.ts with Chromium). Node's EventTarget, as a
 * worker's: happy-dom's also calls `on<type>` properties itself, which no browser does.
 */
import { describe, expect, it } from 'vitest';
import type { RtcPcState, RtcRequest } from './rtc-protocol.ts';
import { LateDataChannel, onRtcEvent, WorkerIceCandidate, WorkerPeerConnection } from './rtc-worker-shim.ts';

/** Enough of an RTCDataChannel for the stand-in: state, settings and the handlers it sets. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  binaryType: BinaryType = 'blob';
  bufferedAmountLowThreshold = -1;
  bufferedAmount = 7;
  id = 3;
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: (() => void) | null = null;
  send(d: unknown) {
    this.sent.push(d);
  }
  close() {
    this.closed = true;
  }
}
const asReal = (c: FakeChannel) => c as unknown as RTCDataChannel;

const state = (s: Partial<RtcPcState>): RtcPcState => ({
  connectionState: 'new',
  iceConnectionState: 'new',
  signalingState: 'stable',
  localDescription: null,
  remoteDescription: null,
  ...s,
});

describe('LateDataChannel', () => {
  it('is connecting and refuses to send until the real channel arrives, then passes everything on', () => {
    const late = new LateDataChannel('', { protocol: 'p' });
    expect(late.readyState).toBe('connecting');
    expect(() => late.send(new Uint8Array([1]))).toThrow(/not open/);
    late.binaryType = 'arraybuffer';
    late.bufferedAmountLowThreshold = 0;
    const events: string[] = [];
    late.onopen = () => events.push('onopen');
    late.addEventListener('open', () => events.push('open'));
    late.onmessage = (e) => events.push(`message ${String((e as MessageEvent).data)}`);
    const real = new FakeChannel();
    late.bind(asReal(real));
    expect([real.binaryType, real.bufferedAmountLowThreshold]).toEqual(['arraybuffer', 0]);
    real.readyState = 'open';
    real.onopen?.();
    real.onopen?.();
    real.onmessage?.(new MessageEvent('message', { data: 'hi' }));
    expect(events).toEqual(['onopen', 'open', 'message hi']);
    expect([late.readyState, late.bufferedAmount, late.id, late.protocol]).toEqual(['open', 7, 3, 'p']);
    late.send('x');
    expect(real.sent).toEqual(['x']);
  });

  it('reports open once when the channel opened before it was bound', () => {
    const late = new LateDataChannel('init');
    let opens = 0;
    late.addEventListener('open', () => opens++);
    const real = new FakeChannel();
    real.readyState = 'open';
    late.bind(asReal(real));
    real.onopen?.();
    expect(opens).toBe(1);
  });

  it('closed before the real channel arrives: closes it on arrival; none could be made: closes', () => {
    const late = new LateDataChannel('');
    late.close();
    const real = new FakeChannel();
    late.bind(asReal(real));
    expect(real.closed).toBe(true);
    expect(late.readyState).toBe('closed');
    const failed = new LateDataChannel('');
    let closed = false;
    failed.onclose = () => (closed = true);
    failed.bind(undefined);
    expect([closed, failed.readyState]).toEqual([true, 'closed']);
  });
});

describe('WorkerPeerConnection', () => {
  function setup() {
    const sent: RtcRequest[] = [];
    const pc = new WorkerPeerConnection({}, { post: (r) => sent.push(r) });
    return { pc, sent };
  }

  it('asks the page for a peer connection without STUN servers unless given', () => {
    const { sent } = setup();
    expect(sent[0]).toMatchObject({ op: 'pc', config: { iceServers: [] } });
  });

  it('runs calls in the page and takes the state that came with the answer', async () => {
    const { pc, sent } = setup();
    const offer = pc.createOffer();
    const req = sent.at(-1) as Extract<RtcRequest, { op: 'call' }>;
    expect(req).toMatchObject({ op: 'call', method: 'createOffer' });
    onRtcEvent({
      ev: 'result',
      call: req.call,
      ok: true,
      value: { type: 'offer', sdp: 'v=0' },
      state: state({}),
    });
    expect(await offer).toEqual({ type: 'offer', sdp: 'v=0' });
    // Stand-in candidates go as plain data; a failure comes back as the page's error.
    const added = pc.addIceCandidate(
      new WorkerIceCandidate({ candidate: 'candidate:1', sdpMid: '0' }) as never,
    );
    const add = sent.at(-1) as Extract<RtcRequest, { op: 'call' }>;
    expect(add.arg).toEqual({
      candidate: 'candidate:1',
      sdpMid: '0',
      sdpMLineIndex: null,
      usernameFragment: null,
    });
    onRtcEvent({ ev: 'result', call: add.call, ok: false, name: 'OperationError', message: 'bad candidate' });
    await expect(added).rejects.toMatchObject({ name: 'OperationError', message: 'bad candidate' });
  });

  it('fires the events the page reports, as properties and listeners', () => {
    const { pc, sent } = setup();
    const id = (sent[0] as Extract<RtcRequest, { op: 'pc' }>).pc;
    const seen: string[] = [];
    pc.onconnectionstatechange = () => seen.push(`state ${pc.connectionState}`);
    pc.onicecandidate = (e) =>
      seen.push(`candidate ${(e as RTCPeerConnectionIceEvent).candidate?.candidate}`);
    pc.addEventListener('datachannel', (e) => seen.push(`channel ${(e as RTCDataChannelEvent).channel.id}`));
    onRtcEvent({ ev: 'icecandidate', pc: id, candidate: { candidate: 'candidate:2' } });
    onRtcEvent({ ev: 'state', pc: id, state: state({ connectionState: 'connected' }) });
    onRtcEvent({ ev: 'state', pc: id, state: state({ connectionState: 'connected' }) });
    onRtcEvent({ ev: 'datachannel', pc: id, channel: asReal(new FakeChannel()) });
    expect(seen).toEqual(['candidate candidate:2', 'state connected', 'channel 3']);
  });

  it('creates data channels in the page and binds the transferred one; close tells the page', () => {
    const { pc, sent } = setup();
    const late = pc.createDataChannel('', {});
    const req = sent.at(-1) as Extract<RtcRequest, { op: 'dc' }>;
    expect(req).toMatchObject({ op: 'dc', label: '' });
    const real = new FakeChannel();
    onRtcEvent({ ev: 'channel', dc: req.dc, channel: asReal(real) });
    real.readyState = 'open';
    expect(late.readyState).toBe('open');
    pc.close();
    expect(sent.at(-1)).toMatchObject({ op: 'close' });
    expect(pc.connectionState).toBe('closed');
    expect(() => pc.createDataChannel('')).toThrow(/closed/);
  });
});
