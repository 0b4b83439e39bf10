import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadHandler, uploadFileName, type UploadImport } from './upload-http.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function serve(result: (path: string) => UploadImport) {
  const uploadsDir = await mkdtemp(join(tmpdir(), 'hearth-upload-'));
  const imported: { name: string; bytes: Buffer }[] = [];
  const handler = createUploadHandler({
    uploadsDir,
    verify: async (t) => {
      if (t !== 'good') throw new Error('bad token');
    },
    importFile: async (path) => {
      imported.push({ name: basename(path), bytes: await readFile(path) });
      return result(path);
    },
    maxBytes: 1000,
  });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(
    () => new Promise((r) => server.close(r)),
    () => rm(uploadsDir, { recursive: true, force: true }),
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, imported, uploadsDir };
}

const bytes = new Uint8Array(Buffer.from('a photo, byte for byte'));
const hash = createHash('sha256').update(bytes).digest('hex');
const put = (url: string, body: Uint8Array<ArrayBuffer>, token?: string) =>
  fetch(url, {
    method: 'PUT',
    body,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('PUT /blobs/<hash>: uploads from paired devices', () => {
  it('imports the verified bytes under their file name, then removes the temp file', async () => {
    const s = await serve(() => ({ id: hash, duplicate: false }));
    const res = await put(`${s.base}/blobs/${hash}?name=${encodeURIComponent('IMG_1.jpg')}`, bytes, 'good');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: hash, duplicate: false });
    expect(s.imported).toEqual([{ name: 'IMG_1.jpg', bytes: Buffer.from(bytes) }]);
    expect(await readdir(s.uploadsDir)).toEqual([]);
  });

  it('answers 200 for a photo the library had', async () => {
    const s = await serve(() => ({ id: hash, duplicate: true }));
    expect((await put(`${s.base}/blobs/${hash}`, bytes, 'good')).status).toBe(200);
  });

  it('refuses without a valid token, bytes that are not the named blob, and too much, keeping nothing', async () => {
    const s = await serve(() => ({ id: hash, duplicate: false }));
    expect((await put(`${s.base}/blobs/${hash}`, bytes)).status).toBe(401);
    expect((await put(`${s.base}/blobs/${hash}`, bytes, 'forged')).status).toBe(403);
    const other = new Uint8Array(Buffer.from('something else'));
    const wrong = await put(`${s.base}/blobs/${hash}`, other, 'good');
    expect(wrong.status).toBe(422);
    expect((await put(`${s.base}/blobs/${hash}`, new Uint8Array(2000), 'good')).status).toBe(413);
    expect(s.imported).toEqual([]);
    expect(await readdir(s.uploadsDir)).toEqual([]);
  });

  it('reports a file the importer refuses', async () => {
    const s = await serve(() => ({ failed: 'not a photo or video' }));
    const res = await put(`${s.base}/blobs/${hash}`, bytes, 'good');
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'not a photo or video' });
  });

  it('makes a safe file name', () => {
    expect(uploadFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadFileName('.hidden.jpg')).toBe('hidden.jpg');
    expect(uploadFileName(null)).toBe('upload');
    expect(uploadFileName('C:\\x\\y.heic')).toBe('y.heic');
  });
});
