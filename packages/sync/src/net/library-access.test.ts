import { describe, expect, it } from 'vitest';
import { issueCertificate, issueRevocation } from '../identity/certificates.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import type { DeviceId } from '../ids.ts';
import { createLibraryAccess } from './library-access.ts';

describe('createLibraryAccess', () => {
  it('follows the root document: paired once certified, revoked for good, listeners told once', async () => {
    const key = await generateLibraryKey();
    const home = deviceIdOf(await generateDeviceKey());
    const phone = deviceIdOf(await generateDeviceKey());
    const stranger = deviceIdOf(await generateDeviceKey());
    const access = createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [home] });
    const told: DeviceId[] = [];
    access.onRevoked((d) => told.push(d));
    expect(access.isPaired(home)).toBe(true);
    expect(access.isPaired(phone)).toBe(false);

    const cert = await issueCertificate(key, { deviceId: phone, name: 'phone', role: 'device' });
    await access.update({ devices: { [phone]: cert }, revocations: {} });
    expect(access.isPaired(phone)).toBe(true);
    expect(access.isPaired(stranger)).toBe(false);

    const rev = await issueRevocation(key, phone);
    await access.update({ devices: { [phone]: cert }, revocations: { [phone]: rev } });
    await access.update({ devices: { [phone]: cert }, revocations: { [phone]: rev } });
    expect(access.isPaired(phone)).toBe(false);
    expect(access.isRevoked(phone)).toBe(true);
    expect(told).toEqual([phone]);

    // An old copy of the document without the revocation does not bring the device back.
    await access.update({ devices: { [phone]: cert }, revocations: {} });
    expect(access.isPaired(phone)).toBe(false);
  });

  it('ignores forged certificates and revocations', async () => {
    const key = await generateLibraryKey();
    const evil = await generateLibraryKey();
    const phone = deviceIdOf(await generateDeviceKey());
    const home = deviceIdOf(await generateDeviceKey());
    const access = createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [home] });
    const forged = {
      ...(await issueCertificate(evil, { deviceId: phone, name: 'x', role: 'device' })),
      libraryId: key.id,
    };
    const forgedRev = { ...(await issueRevocation(evil, home)), libraryId: key.id };
    await access.update({ devices: { [phone]: forged }, revocations: { [home]: forgedRev } });
    expect(access.isPaired(phone)).toBe(false);
    expect(access.isPaired(home)).toBe(true);
    expect(access.invalid()).toHaveLength(2);
  });
});
