import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelDownloadError, ModelIntegrityError } from './errors.ts';
import { installModels } from './model-installer.node.ts';
import { MODELS, modelSpec, type ModelSpec } from './model-registry.ts';
import { defaultModelsDir } from './model-store.fs.ts';

const src = defaultModelsDir();
const small = ['yunet-n', 'yunet-s', 'ppocr-keys-v1'].map((id) => modelSpec(id) as ModelSpec);

/** A loopback mirror of the shared models dir with Range support and switchable faults. */
function mirror() {
  const ranges: string[] = [];
  const faults = { corrupt: new Set<string>(), cutAfter: new Map<string, number>() };
  const server: Server = createServer((req, res) => {
    const file = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const path = join(src, file);
    if (file.includes('..') || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    let body = readFileSync(path);
    if (faults.corrupt.has(file)) {
      body = Buffer.from(body);
      body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) ranges.push(`${file}:${range[1]}`);
    const start = range ? Number(range[1]) : 0;
    const part = body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-length': part.length,
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const cut = faults.cutAfter.get(file);
    if (cut !== undefined) {
      faults.cutAfter.delete(file);
      res.write(part.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(part);
  });
  return { server, ranges, faults };
}

describe.skipIf(!existsSync(join(src, 'face-detection/yunet_n_dynamic.onnx')))(
  'models install from a loopback mirror of the shared models',
  () => {
    const m = mirror();
    let baseUrl = '';
    let dir = '';
    beforeAll(async () => {
      await new Promise<void>((r) => m.server.listen(0, '127.0.0.1', r));
      baseUrl = `http://127.0.0.1:${(m.server.address() as AddressInfo).port}/`;
      dir = await mkdtemp(join(tmpdir(), 'hearth-models-'));
    });
    afterAll(async () => {
      await new Promise((r) => m.server.close(r));
      await rm(dir, { recursive: true, force: true });
    });

    it('downloads and verifies, then finds them present', async () => {
      const out = await installModels({ baseUrl, dir, models: small });
      expect(out.map((o) => o.result)).toEqual(['downloaded', 'downloaded', 'downloaded']);
      for (const s of small)
        expect(readFileSync(join(dir, s.file)).equals(readFileSync(join(src, s.file)))).toBe(true);
      expect((await installModels({ baseUrl, dir, models: small })).map((o) => o.result)).toEqual([
        'present',
        'present',
        'present',
      ]);
    });

    it('rejects a corrupted download and keeps nothing of it', async () => {
      const spec = modelSpec('yolox-nano') as ModelSpec;
      m.faults.corrupt.add(spec.file);
      await expect(installModels({ baseUrl, dir, models: [spec] })).rejects.toBeInstanceOf(
        ModelIntegrityError,
      );
      expect(existsSync(join(dir, spec.file))).toBe(false);
      expect(existsSync(join(dir, `${spec.file}.part`))).toBe(false);
      m.faults.corrupt.clear();
    });

    it('resumes after a broken connection with a Range request', async () => {
      const spec = modelSpec('mobilefacenet-128') as ModelSpec;
      m.faults.cutAfter.set(spec.file, 1_000_000);
      await expect(installModels({ baseUrl, dir, models: [spec] })).rejects.toBeInstanceOf(
        ModelDownloadError,
      );
      expect(existsSync(join(dir, `${spec.file}.part`))).toBe(true);
      const [out] = await installModels({ baseUrl, dir, models: [spec] });
      expect(out?.result).toBe('resumed');
      expect(m.ranges.some((r) => r.startsWith(`${spec.file}:`) && Number(r.split(':')[1]) > 0)).toBe(true);
      expect(readFileSync(join(dir, spec.file)).equals(readFileSync(join(src, spec.file)))).toBe(true);
    });

    it('discards a stale partial file whose bytes are wrong', async () => {
      const spec = modelSpec('yunet-s') as ModelSpec;
      const fresh = await mkdtemp(join(tmpdir(), 'hearth-models-'));
      await mkdir(dirname(join(fresh, spec.file)), { recursive: true });
      await writeFile(join(fresh, `${spec.file}.part`), Buffer.alloc(1000, 7));
      await expect(installModels({ baseUrl, dir: fresh, models: [spec] })).rejects.toBeInstanceOf(
        ModelIntegrityError,
      );
      // The bad partial was deleted, so the next run starts clean and succeeds.
      expect((await installModels({ baseUrl, dir: fresh, models: [spec] }))[0]?.result).toBe('downloaded');
      await rm(fresh, { recursive: true, force: true });
    });

    it('names the URL when the mirror lacks a model', async () => {
      const ghost: ModelSpec = {
        ...(MODELS[0] as ModelSpec),
        id: 'ghost',
        file: 'nope/ghost.onnx',
        url: 'nope/ghost.onnx',
      };
      await expect(installModels({ baseUrl, dir, models: [ghost] })).rejects.toThrow(
        /nope\/ghost\.onnx.*HTTP 404/,
      );
    });
  },
);
