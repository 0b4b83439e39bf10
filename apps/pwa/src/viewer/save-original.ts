import type { AssetDetails, LibraryClient } from '../library/library-client.ts';

/**
 * Saves an asset's original as a file: the bytes this device holds, else fetched from the
 * home node (verified, and kept again) — the "original on demand" of a device that freed
 * up space. `say` tells the person what is happening or why it failed.
 */
export async function saveOriginal(
  lib: Pick<LibraryClient, 'mediaUrl'>,
  asset: Pick<AssetDetails, 'id' | 'fileName'>,
  say: (text: string) => void,
): Promise<void> {
  say('Getting the original…');
  try {
    const url = await lib.mediaUrl(asset.id, 'original');
    if (!url) return say('The original is not on this device and the home node is not reachable now.');
    const a = document.createElement('a');
    a.href = url;
    a.download = asset.fileName || asset.id;
    document.body.append(a);
    a.click();
    a.remove();
    say('');
  } catch (e) {
    say(`Could not get the original: ${(e as Error).message ?? String(e)}`);
  }
}
