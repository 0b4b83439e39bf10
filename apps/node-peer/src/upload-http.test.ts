import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
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

async function serve(result: (path: string) => UploadImport, maxBytes = 1000) {
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
    maxBytes,
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

  it('resumes: pieces by Content-Range, the held offset by HEAD ?upload, the whole hash checked at the end', async () => {
    const s = await serve(() => ({ id: hash, duplicate: false }));
    const url = `${s.base}/blobs/${hash}?name=IMG_2.jpg`;
    const piece = (from: number, to: number, token = 'good') =>
      fetch(url, {
        method: 'PUT',
        body: bytes.slice(from, to),
        headers: {
          authorization: `Bearer ${token}`,
          'content-range': `bytes ${from}-${to - 1}/${bytes.length}`,
        },
      });
    const offset = async () => {
      const r = await fetch(`${s.base}/blobs/${hash}?upload`, {
        method: 'HEAD',
        headers: { authorization: 'Bearer good' },
      });
      expect(r.status).toBe(200);
      return Number(r.headers.get('upload-offset'));
    };
    expect(await offset()).toBe(0);
    expect((await piece(0, 5, 'forged')).status).toBe(403);
    const first = await piece(0, 10);
    expect(first.status).toBe(202);
    expect(first.headers.get('upload-offset')).toBe('10');
    expect(await offset()).toBe(10);
    // Not where the node is: refused with where it is, nothing appended.
    const gap = await piece(12, 15);
    expect(gap.status).toBe(409);
    expect(gap.headers.get('upload-offset')).toBe('10');
    expect(s.imported).toEqual([]);
    const last = await piece(10, bytes.length);
    expect(last.status).toBe(201);
    expect(s.imported).toEqual([{ name: 'IMG_2.jpg', bytes: Buffer.from(bytes) }]);
    expect(await offset()).toBe(0);
    expect(await readdir(join(s.uploadsDir, 'partial'))).toEqual([]);
  });

  it('keeps the bytes of a piece whose connection broke off, and resumes after them', async () => {
    const s = await serve(() => ({ id: hash, duplicate: false }));
    const { connect } = await import('node:net');
    const cut = 7;
    // A piece that promises the whole file but sends 7 bytes, then the connection dies.
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(new URL(s.base).port), '127.0.0.1', () => {
        const head =
          `PUT /blobs/${hash} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer good\r\n` +
          `content-range: bytes 0-${bytes.length - 1}/${bytes.length}\r\ncontent-length: ${bytes.length}\r\n\r\n`;
        sock.write(Buffer.concat([Buffer.from(head), Buffer.from(bytes.slice(0, cut))]), () => {
          // Cut once the node has written what arrived (bounded: 2,000 looks at the file).
          void (async () => {
            const partial = join(s.uploadsDir, 'partial', hash);
            for (let i = 0; i < 2000; i++) {
              if ((await stat(partial).catch(() => undefined))?.size === cut) break;
              await new Promise((r) => setImmediate(r));
            }
            sock.destroy();
            resolve();
          })();
        });
      });
      sock.on('error', reject);
    });
    let held = 0;
    // The node sees the broken connection on its own time: ask until it has settled.
    for (let i = 0; i < 100 && held !== cut; i++) {
      const r = await fetch(`${s.base}/blobs/${hash}?upload`, {
        method: 'HEAD',
        headers: { authorization: 'Bearer good' },
      });
      held = Number(r.headers.get('upload-offset'));
    }
    expect(held).toBe(cut);
    const rest = await fetch(`${s.base}/blobs/${hash}`, {
      method: 'PUT',
      body: bytes.slice(cut),
      headers: {
        authorization: 'Bearer good',
        'content-range': `bytes ${cut}-${bytes.length - 1}/${bytes.length}`,
      },
    });
    expect(rest.status).toBe(201);
    expect(s.imported.map((i) => i.bytes)).toEqual([Buffer.from(bytes)]);
  });

  it('drops pieces that do not add up to the named blob', async () => {
    const s = await serve(() => ({ id: hash, duplicate: false }));
    const other = new Uint8Array(Buffer.from('not the photo at all!!'));
    const res = await fetch(`${s.base}/blobs/${hash}`, {
      method: 'PUT',
      body: other,
      headers: {
        authorization: 'Bearer good',
        'content-range': `bytes 0-${other.length - 1}/${other.length}`,
      },
    });
    expect(res.status).toBe(422);
    expect(s.imported).toEqual([]);
    expect(await readdir(join(s.uploadsDir, 'partial'))).toEqual([]);
    const bad = await fetch(`${s.base}/blobs/${hash}`, {
      method: 'PUT',
      body: other,
      headers: { authorization: 'Bearer good', 'content-range': 'bytes 5-2/9' },
    });
    expect(bad.status).toBe(416);
  });

  it('a large file in pieces: hashed from disk to the end (more than a stream buffer)', async () => {
    const big = new Uint8Array(Buffer.alloc(300_000, 7));
    const bigHash = createHash('sha256').update(big).digest('hex');
    const s = await serve(() => ({ id: bigHash, duplicate: false }), 1e6);
    const send = (from: number, to: number) =>
      fetch(`${s.base}/blobs/${bigHash}`, {
        method: 'PUT',
        body: big.slice(from, to),
        headers: { authorization: 'Bearer good', 'content-range': `bytes ${from}-${to - 1}/${big.length}` },
      });
    expect((await send(0, 100_000)).status).toBe(202);
    expect((await send(100_000, big.length)).status).toBe(201);
    expect(s.imported[0]?.bytes.length).toBe(big.length);
  });

  it('removes pieces of an upload nobody continued for a week, not a recent one', async () => {
    const uploadsDir = await mkdtemp(join(tmpdir(), 'hearth-upload-'));
    cleanup.push(() => rm(uploadsDir, { recursive: true, force: true }));
    await mkdir(join(uploadsDir, 'partial'));
    const [old, recent] = ['a'.repeat(64), 'b'.repeat(64)];
    await writeFile(join(uploadsDir, 'partial', old), 'x');
    await writeFile(join(uploadsDir, 'partial', recent), 'y');
    const weekAgo = (Date.now() - 8 * 86_400_000) / 1000;
    await utimes(join(uploadsDir, 'partial', old), weekAgo, weekAgo);
    const handler = createUploadHandler({
      uploadsDir,
      verify: async () => {},
      importFile: async () => ({ failed: 'unused' }),
    });
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const res = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/blobs/${recent}?upload`,
      {
        method: 'HEAD',
        headers: { authorization: 'Bearer t' },
      },
    );
    expect(res.headers.get('upload-offset')).toBe('1');
    expect(await readdir(join(uploadsDir, 'partial'))).toEqual([recent]);
  });

  it('makes a safe file name', () => {
    expect(uploadFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadFileName('.hidden.jpg')).toBe('hidden.jpg');
    expect(uploadFileName(null)).toBe('upload');
    expect(uploadFileName('C:\\x\\y.heic')).toBe('y.heic');
  });
});
