import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ModelDownloadError } from './errors.ts';
import { createFsModelStore } from './model-store.fs.ts';
import { createFetchModelStore } from './model-store.ts';

it('fetch store (the browser one): bytes on 200, undefined on 404, a typed error otherwise', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/m/a/x.onnx') res.writeHead(200).end(Buffer.from([1, 2, 3]));
    else if (req.url === '/m/broken.onnx') res.writeHead(500).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const store = createFetchModelStore(`http://127.0.0.1:${(server.address() as AddressInfo).port}/m/`);
  expect(Array.from((await store.read('a/x.onnx')) ?? [])).toEqual([1, 2, 3]);
  expect(await store.read('missing.onnx')).toBeUndefined();
  await expect(store.read('broken.onnx')).rejects.toBeInstanceOf(ModelDownloadError);
  await new Promise((r) => server.close(r));
});

it('fs store: reads files under the dir, undefined when absent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-ms-'));
  await mkdir(join(dir, 'a'));
  await writeFile(join(dir, 'a/x.onnx'), Buffer.from([9]));
  const store = createFsModelStore(dir);
  expect(Array.from((await store.read('a/x.onnx')) ?? [])).toEqual([9]);
  expect(await store.read('a/none.onnx')).toBeUndefined();
  await rm(dir, { recursive: true });
});
