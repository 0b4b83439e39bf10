import { expect, it } from 'vitest';
import { createOnnxNodeRuntime } from './inference-session.onnx-node.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { runtimeSelfTest } from './runtime-self-test.ts';

it.each([
  ['onnxruntime-node', createOnnxNodeRuntime],
  ['onnxruntime-web', createOnnxWebRuntime],
] as [string, () => InferenceRuntime][])('passes on %s and reports a broken runtime', async (_n, make) => {
  const r = await runtimeSelfTest(make());
  expect(r.checks.map((c) => c.ok)).toEqual([true, true]);
  const broken: InferenceRuntime = {
    name: 'broken',
    createSession: () => Promise.reject(new Error('no wasm')),
  };
  const b = await runtimeSelfTest(broken);
  expect(b.ok).toBe(false);
  expect(b.checks[0]?.detail).toMatch(/no wasm/);
});
