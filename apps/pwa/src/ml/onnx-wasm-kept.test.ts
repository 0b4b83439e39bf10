// @vitest-environment node
import type { InferenceRuntime, InferenceSession } from '@hearth/ml';
import { describe, expect, it } from 'vitest';
import { keptOnnxWasm, ONNX_CACHE, runtimeWithWasm } from './onnx-wasm-kept.ts';

const URL_ = 'https://app.example/assets/ort-wasm-simd-threaded-abc.wasm';

/** A Cache API stand-in: caches by name, responses by URL. */
function memoryCaches() {
  const caches = new Map<string, Map<string, Response>>();
  const store = {
    open: async (name: string) => {
      const c = caches.get(name) ?? new Map<string, Response>();
      caches.set(name, c);
      return {
        match: async (u: string) => c.get(u)?.clone(),
        put: async (u: string, r: Response) => void c.set(u, new Response(await r.arrayBuffer())),
      } as unknown as Cache;
    },
  };
  return { store, caches };
}

const bytes = (s: string) => new Uint8Array(new TextEncoder().encode(s)).buffer;

describe("onnxruntime's wasm kept by the app", () => {
  it('is fetched once and kept (before it is handed over), then read from the cache offline', async () => {
    const { store, caches } = memoryCaches();
    const fetched: string[] = [];
    const online = async (u: string) => (fetched.push(u), new Response(bytes('wasm!')));
    expect(new Uint8Array(await keptOnnxWasm(URL_, store, online))).toEqual(new Uint8Array(bytes('wasm!')));
    expect(fetched).toEqual([URL_]);
    expect([...(caches.get(ONNX_CACHE)?.keys() ?? [])]).toEqual([URL_]);
    const offline = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(new Uint8Array(await keptOnnxWasm(URL_, store, offline))).toEqual(new Uint8Array(bytes('wasm!')));
  });

  it('offline with nothing kept, or an HTTP error: rejects and keeps nothing', async () => {
    const { store, caches } = memoryCaches();
    await expect(
      keptOnnxWasm(URL_, store, () => Promise.reject(new TypeError('Failed to fetch'))),
    ).rejects.toThrow('Failed to fetch');
    await expect(keptOnnxWasm(URL_, store, async () => new Response('no', { status: 404 }))).rejects.toThrow(
      /HTTP 404/,
    );
    expect(caches.get(ONNX_CACHE)?.size ?? 0).toBe(0);
  });

  it('the runtime gets the bytes before its first session; a failed load is tried again at the next', async () => {
    let loads = 0;
    let online = false;
    const made: ArrayBuffer[] = [];
    const session = {} as InferenceSession;
    const rt = runtimeWithWasm(
      'onnxruntime-web/wasm',
      async () => {
        loads++;
        if (!online) throw new TypeError('Failed to fetch');
        return bytes('wasm!');
      },
      (wasm): InferenceRuntime => {
        made.push(wasm);
        return { name: 'inner', createSession: async () => session };
      },
    );
    expect(rt.name).toBe('onnxruntime-web/wasm');
    await expect(rt.createSession(new Uint8Array(1))).rejects.toThrow('Failed to fetch');
    expect(made).toEqual([]); // onnxruntime not started: it can still start later
    online = true;
    expect(await rt.createSession(new Uint8Array(1))).toBe(session);
    expect(await rt.createSession(new Uint8Array(1))).toBe(session);
    expect(loads).toBe(2);
    expect(made).toHaveLength(1);
  });
});
