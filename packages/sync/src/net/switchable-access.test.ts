import { describe, expect, it } from 'vitest';
import { issueRevocation } from '../identity/certificates.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import type { DeviceId } from '../ids.ts';
import { createLibraryAccess } from './library-access.ts';
import { createSwitchableAccess } from './switchable-access.ts';

describe('createSwitchableAccess', () => {
  it('refuses everyone until a library is installed, then follows it and forwards revocations', async () => {
    const key = await generateLibraryKey();
    const home = deviceIdOf(await generateDeviceKey());
    const access = createSwitchableAccess();
    const told: DeviceId[] = [];
    access.onRevoked((p) => told.push(p));
    expect(access.isPaired(home)).toBe(false);
    const library = createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [home] });
    access.use(library);
    expect(access.isPaired(home)).toBe(true);
    await library.update({ revocations: { [home]: await issueRevocation(key, home) } });
    expect(access.isPaired(home)).toBe(false);
    expect(access.isRevoked(home)).toBe(true);
    expect(told).toEqual([home]);
  });
});
