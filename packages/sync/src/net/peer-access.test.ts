import { issueCertificate, issueRevocation } from '../identity/certificates.ts';
import type { DeviceCertificate, DeviceRevocation } from '../identity/device-certificate.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { asDeviceId } from '../ids.ts';
import { createLibraryAccess } from './library-access.ts';
import { runPeerAccessContract, type PeerAccessFixture } from './peer-access.contract.ts';
import { createSwitchableAccess } from './switchable-access.ts';

/** A LibraryAccess fed by a root document that a test edits with signed entries. */
async function libraryFixture(): Promise<
  PeerAccessFixture & { library: ReturnType<typeof createLibraryAccess> }
> {
  const key = await generateLibraryKey();
  const library = createLibraryAccess({ libraryPublicKey: key.publicKey });
  const root = {
    devices: {} as Record<string, DeviceCertificate>,
    revocations: {} as Record<string, DeviceRevocation>,
  };
  const peers: [string, string] = [
    deviceIdOf(await generateDeviceKey()),
    deviceIdOf(await generateDeviceKey()),
  ];
  return {
    access: library,
    library,
    peers,
    async pair(peer) {
      root.devices[peer] = await issueCertificate(key, {
        deviceId: asDeviceId(peer),
        name: 'd',
        role: 'device',
      });
      await library.update(structuredClone(root));
    },
    async revoke(peer) {
      root.revocations[peer] = await issueRevocation(key, asDeviceId(peer));
      await library.update(structuredClone(root));
    },
  };
}

runPeerAccessContract('createLibraryAccess (root document)', libraryFixture);

runPeerAccessContract('createSwitchableAccess (library installed)', async () => {
  const inner = await libraryFixture();
  const access = createSwitchableAccess();
  access.use(inner.library);
  return { ...inner, access };
});
