/**
 * Test fixture: a library key and a root document certifying two home nodes (A, B) and a phone,
 * with `section` (e.g. `homeNodes`, `homeNodeIce`) empty — what the home-node signing tests start from.
 */
import { issueCertificate } from '../identity/certificates.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey } from '../identity/library-key.ts';

export async function homeNodesLibrary(section: string) {
  const key = await generateLibraryKey();
  const [a, b, phone] = await Promise.all([1, 2, 3].map(() => generateDeviceKey()));
  const root: Record<string, Record<string, unknown>> = { devices: {}, revocations: {}, [section]: {} };
  for (const [k, name, role] of [
    [a!, 'A', 'home-node'],
    [b!, 'B', 'home-node'],
    [phone!, 'phone', 'device'],
  ] as const)
    root['devices']![deviceIdOf(k)] = await issueCertificate(key, { deviceId: deviceIdOf(k), name, role });
  return { key, a: a!, b: b!, phone: phone!, root };
}
