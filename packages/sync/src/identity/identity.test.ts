import { describe, expect, it } from 'vitest';
import { issueCertificate, issueRevocation, verifyCertificate, verifyRevocation } from './certificates.ts';
import { deviceIdOf, exportDeviceKey, generateDeviceKey, importDeviceKey } from './device-key.ts';
import { InvalidCertificateError, InvalidKeyError } from './errors.ts';
import {
  exportLibraryKey,
  generateLibraryKey,
  importLibraryKey,
  libraryIdOf,
  libraryKeyFromSeed,
} from './library-key.ts';
import { readPairedDevices } from './paired-devices.ts';

describe('library key', () => {
  it('round-trips through bytes and derives a stable id from the public key', async () => {
    const key = await generateLibraryKey();
    const back = importLibraryKey(exportLibraryKey(key));
    expect(back.publicKey).toBe(key.publicKey);
    expect(back.id).toBe(key.id);
    expect(libraryIdOf(key.publicKey)).toBe(key.id);
    expect(key.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
  it('is deterministic from a seed', async () => {
    const seed = new Uint8Array(32).fill(7);
    expect((await libraryKeyFromSeed(seed)).publicKey).toBe((await libraryKeyFromSeed(seed)).publicKey);
  });
  it('rejects garbage key files with a typed error', () => {
    expect(() => importLibraryKey(new Uint8Array([1, 2, 3]))).toThrow(InvalidKeyError);
    expect(() => libraryIdOf('not a key')).toThrow(InvalidKeyError);
  });
});

describe('device key', () => {
  it('keeps its PeerId across export/import', async () => {
    const k = await generateDeviceKey();
    expect(deviceIdOf(importDeviceKey(exportDeviceKey(k)))).toBe(deviceIdOf(k));
    expect(deviceIdOf(k)).toMatch(/^12D3Koo/);
  });
});

describe('certificates', () => {
  it('a certificate verifies with the library key and fails when any field changes', async () => {
    const key = await generateLibraryKey();
    const dev = deviceIdOf(await generateDeviceKey());
    const cert = await issueCertificate(key, {
      deviceId: dev,
      name: 'phone',
      role: 'device',
      issuedAt: 1000,
    });
    await expect(verifyCertificate(cert, key.publicKey)).resolves.toEqual(cert);
    for (const tampered of [
      { ...cert, name: 'x' },
      { ...cert, role: 'home-node' },
      { ...cert, issuedAt: 1001 },
      { ...cert, signature: cert.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
    ]) {
      await expect(verifyCertificate(tampered, key.publicKey)).rejects.toThrow(InvalidCertificateError);
    }
    const other = await generateLibraryKey();
    await expect(verifyCertificate(cert, other.publicKey)).rejects.toThrow(/another library/);
    await expect(verifyCertificate('junk', key.publicKey)).rejects.toThrow(InvalidCertificateError);
  });
  it('a revocation cannot be made from a certificate signature (domain separation)', async () => {
    const key = await generateLibraryKey();
    const dev = deviceIdOf(await generateDeviceKey());
    const rev = await issueRevocation(key, dev, 5);
    await expect(verifyRevocation(rev, key.publicKey)).resolves.toEqual(rev);
    const cert = await issueCertificate(key, { deviceId: dev, name: 'p', role: 'device', issuedAt: 5 });
    await expect(
      verifyRevocation(
        { libraryId: key.id, deviceId: dev, revokedAt: 5, signature: cert.signature },
        key.publicKey,
      ),
    ).rejects.toThrow(InvalidCertificateError);
  });
});

describe('readPairedDevices', () => {
  it('keeps valid certificates, drops forged ones and revoked devices', async () => {
    const key = await generateLibraryKey();
    const evil = await generateLibraryKey();
    const [a, b, c] = await Promise.all([0, 1, 2].map(async () => deviceIdOf(await generateDeviceKey())));
    if (!a || !b || !c) throw new Error('unreachable');
    const root = {
      devices: {
        [a]: await issueCertificate(key, { deviceId: a, name: 'a', role: 'device' }),
        [b]: await issueCertificate(key, { deviceId: b, name: 'b', role: 'device' }),
        [c]: {
          ...(await issueCertificate(evil, { deviceId: c, name: 'c', role: 'device' })),
          libraryId: key.id,
        },
      },
      revocations: { [b]: await issueRevocation(key, b) },
    };
    const r = await readPairedDevices(root, key.publicKey);
    expect([...r.paired.keys()]).toEqual([a]);
    expect([...r.revoked]).toEqual([b]);
    expect(r.invalid).toHaveLength(1);
    expect((await readPairedDevices(null, key.publicKey)).paired.size).toBe(0);
  });
});
