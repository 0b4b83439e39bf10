/// <reference lib="webworker" />
/**
 * WebRTC for libp2p in the peer worker. Browsers offer `RTCPeerConnection` only in a window,
 * so this installs a stand-in on the worker's global scope (before @libp2p/webrtc reads it):
 * each peer connection lives in the page (rtc-host.ts), driven over a MessagePort, and each
 * data channel is transferred here, so every byte of a WebRTC connection goes straight
 * between this worker and the network. Imported first by the worker, for its side effect.
 */
import {
  RTC_PORT_MESSAGE,
  type RtcEvent,
  type RtcMethod,
  type RtcPcState,
  type RtcRequest,
} from './rtc-protocol.ts';

type Handler = ((ev: Event) => unknown) | null;

/** An EventTarget whose `on<type>` properties work as in the DOM. */
class HandlerTarget extends EventTarget {
  readonly #handlers = new Map<string, Handler>();
  protected handlerProp(type: string): void {
    Object.defineProperty(this, `on${type}`, {
      get: () => this.#handlers.get(type) ?? null,
      set: (h: Handler) => this.#handlers.set(type, h),
    });
    this.addEventListener(type, (ev) => void this.#handlers.get(type)?.call(this, ev));
  }
}

/**
 * A data channel created in the page: usable at once (as `createDataChannel` must be), it
 * passes everything to the real channel once that has been transferred here.
 */
export class LateDataChannel extends HandlerTarget {
  // Accessors defined per instance by handlerProp.
  declare onopen: Handler;
  declare onclose: Handler;
  declare onclosing: Handler;
  declare onerror: Handler;
  declare onmessage: Handler;
  declare onbufferedamountlow: Handler;
  #real: RTCDataChannel | undefined;
  #closed = false;
  #binaryType: BinaryType = 'arraybuffer';
  #threshold = 0;
  readonly label: string;
  readonly protocol: string;

  constructor(label: string, init: RTCDataChannelInit = {}) {
    super();
    this.label = label;
    this.protocol = init.protocol ?? '';
    for (const t of ['open', 'close', 'closing', 'error', 'message', 'bufferedamountlow'])
      this.handlerProp(t);
  }

  /** The real channel has arrived (or could not be made: `undefined`). */
  bind(real: RTCDataChannel | undefined): void {
    if (!real || this.#closed) {
      real?.close();
      this.#closed = true;
      this.dispatchEvent(new Event('close'));
      return;
    }
    this.#real = real;
    real.binaryType = this.#binaryType;
    real.bufferedAmountLowThreshold = this.#threshold;
    let opened = false;
    const open = () => {
      if (opened) return;
      opened = true;
      this.dispatchEvent(new Event('open'));
    };
    real.onopen = open;
    real.onclosing = () => this.dispatchEvent(new Event('closing'));
    real.onclose = () => this.dispatchEvent(new Event('close'));
    real.onerror = (e) =>
      this.dispatchEvent(Object.assign(new Event('error'), { error: (e as RTCErrorEvent).error }));
    real.onbufferedamountlow = () => this.dispatchEvent(new Event('bufferedamountlow'));
    real.onmessage = (e: MessageEvent<unknown>) =>
      this.dispatchEvent(new MessageEvent('message', { data: e.data }));
    // It may have opened in the page before the transfer.
    if (real.readyState === 'open') open();
  }

  get id(): number | null {
    return this.#real?.id ?? null;
  }
  get readyState(): RTCDataChannelState {
    return this.#real?.readyState ?? (this.#closed ? 'closed' : 'connecting');
  }
  get bufferedAmount(): number {
    return this.#real?.bufferedAmount ?? 0;
  }
  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(n: number) {
    this.#threshold = n;
    if (this.#real) this.#real.bufferedAmountLowThreshold = n;
  }
  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(t: BinaryType) {
    this.#binaryType = t;
    if (this.#real) this.#real.binaryType = t;
  }
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (!this.#real) throw new DOMException('data channel is not open', 'InvalidStateError');
    this.#real.send(data as ArrayBuffer);
  }
  close(): void {
    this.#closed = true;
    this.#real?.close();
  }
}

/** What the worker sends and receives on the port. */
interface Port {
  post(r: RtcRequest): void;
}

let nextId = 1;
const pcs = new Map<number, WorkerPeerConnection>();
const lateChannels = new Map<number, LateDataChannel>();
const calls = new Map<
  number,
  { resolve(v: unknown): void; reject(e: Error): void; pc: WorkerPeerConnection }
>();

/** `RTCPeerConnection` as libp2p's WebRTC transport uses it, run by the page. */
export class WorkerPeerConnection extends HandlerTarget {
  declare onicecandidate: Handler;
  declare onicecandidateerror: Handler;
  declare onconnectionstatechange: Handler;
  declare oniceconnectionstatechange: Handler;
  declare onsignalingstatechange: Handler;
  declare ondatachannel: Handler;
  readonly #id = nextId++;
  readonly #port: Port;
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;

  constructor(config: RTCConfiguration = {}, port: Port = requirePort()) {
    super();
    this.#port = port;
    for (const t of [
      'icecandidate',
      'icecandidateerror',
      'connectionstatechange',
      'iceconnectionstatechange',
      'signalingstatechange',
      'datachannel',
    ])
      this.handlerProp(t);
    pcs.set(this.#id, this);
    port.post({ op: 'pc', pc: this.#id, config: { ...config, iceServers: config.iceServers ?? [] } });
  }

  /** A report from the page. */
  update(state: RtcPcState): void {
    const before = this.connectionState;
    const ice = this.iceConnectionState;
    const sig = this.signalingState;
    Object.assign(this, state);
    if (sig !== state.signalingState) this.dispatchEvent(new Event('signalingstatechange'));
    if (ice !== state.iceConnectionState) this.dispatchEvent(new Event('iceconnectionstatechange'));
    if (before !== state.connectionState) this.dispatchEvent(new Event('connectionstatechange'));
  }

  #call(method: RtcMethod, arg?: unknown): Promise<unknown> {
    const call = nextId++;
    return new Promise((resolve, reject) => {
      calls.set(call, { resolve, reject, pc: this });
      // Plain data only: our RTCSessionDescription / RTCIceCandidate stand-ins have toJSON.
      const plain = (arg as { toJSON?: () => unknown } | undefined)?.toJSON?.() ?? arg;
      this.#port.post({ op: 'call', pc: this.#id, call, method, arg: plain });
    });
  }

  createOffer(): Promise<RTCSessionDescriptionInit> {
    return this.#call('createOffer') as Promise<RTCSessionDescriptionInit>;
  }
  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return this.#call('createAnswer') as Promise<RTCSessionDescriptionInit>;
  }
  async setLocalDescription(d?: RTCSessionDescriptionInit): Promise<void> {
    await this.#call('setLocalDescription', d);
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
    await this.#call('setRemoteDescription', d);
  }
  async addIceCandidate(c?: RTCIceCandidateInit | null): Promise<void> {
    await this.#call('addIceCandidate', c ?? undefined);
  }

  createDataChannel(label: string, init?: RTCDataChannelInit): LateDataChannel {
    if (this.connectionState === 'closed')
      throw new DOMException('peer connection closed', 'InvalidStateError');
    const dc = nextId++;
    const channel = new LateDataChannel(label, init);
    lateChannels.set(dc, channel);
    this.#port.post({ op: 'dc', pc: this.#id, dc, label, ...(init ? { init } : {}) });
    return channel;
  }

  close(): void {
    if (!pcs.delete(this.#id)) return;
    this.#port.post({ op: 'close', pc: this.#id });
    // A real RTCPeerConnection fires no event on close(); the state just reads "closed".
    this.connectionState = 'closed';
    this.iceConnectionState = 'closed';
    this.signalingState = 'closed';
    this.dispatchEvent(new Event('close'));
  }
}

/** `RTCSessionDescription` (plain data here). */
export class WorkerSessionDescription {
  readonly type: RTCSdpType;
  readonly sdp: string;
  constructor(init: RTCSessionDescriptionInit) {
    this.type = init.type;
    this.sdp = init.sdp ?? '';
  }
  toJSON(): RTCSessionDescriptionInit {
    return { type: this.type, sdp: this.sdp };
  }
}

/** `RTCIceCandidate` (plain data here). */
export class WorkerIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  constructor(init: RTCIceCandidateInit = {}) {
    this.candidate = init.candidate ?? '';
    this.sdpMid = init.sdpMid ?? null;
    this.sdpMLineIndex = init.sdpMLineIndex ?? null;
    this.usernameFragment = init.usernameFragment ?? null;
  }
  toJSON(): RTCIceCandidateInit {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}

/** Applies a report from the page (exported for tests). */
export function onRtcEvent(e: RtcEvent): void {
  if (e.ev === 'result') {
    const c = calls.get(e.call);
    calls.delete(e.call);
    if (!c) return;
    if (!e.ok) return c.reject(Object.assign(new Error(e.message), { name: e.name }));
    c.pc.update(e.state);
    return c.resolve(e.value);
  }
  if (e.ev === 'channel') {
    const late = lateChannels.get(e.dc);
    lateChannels.delete(e.dc);
    return late?.bind('channel' in e ? e.channel : undefined);
  }
  const pc = pcs.get(e.pc);
  if (!pc) {
    if (e.ev === 'datachannel') e.channel.close();
    return;
  }
  if (e.ev === 'state') pc.update(e.state);
  else if (e.ev === 'icecandidate')
    pc.dispatchEvent(
      Object.assign(new Event('icecandidate'), {
        candidate: e.candidate ? new WorkerIceCandidate(e.candidate) : null,
      }),
    );
  else if (e.ev === 'icecandidateerror')
    pc.dispatchEvent(Object.assign(new Event('icecandidateerror'), { ...e }));
  else pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: e.channel }));
}

let port: Port | undefined;
function requirePort(): Port {
  if (!port) throw new DOMException('WebRTC is not available in this worker', 'NotSupportedError');
  return port;
}

/**
 * Installs the stand-ins when this is a worker without `RTCPeerConnection` whose browser
 * can transfer data channels, and announces the port to the page.
 */
function install(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (typeof g['RTCPeerConnection'] === 'function' || typeof g['RTCDataChannel'] !== 'function') return;
  if (typeof g['WorkerGlobalScope'] !== 'function') return;
  const channel = new MessageChannel();
  channel.port1.onmessage = (m: MessageEvent<RtcEvent>) => onRtcEvent(m.data);
  port = { post: (r) => channel.port1.postMessage(r) };
  g['RTCPeerConnection'] = WorkerPeerConnection;
  g['RTCSessionDescription'] = WorkerSessionDescription;
  g['RTCIceCandidate'] = WorkerIceCandidate;
  (self as unknown as DedicatedWorkerGlobalScope).postMessage({ t: RTC_PORT_MESSAGE }, [channel.port2]);
}
install();
