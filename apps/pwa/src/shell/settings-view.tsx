import { createResource, createSignal, Show, type JSX } from 'solid-js';
import { syntheticLibrary } from '../library/synthetic-library.ts';
import { SmartSearchToggle } from '../ml/smart-search-toggle.tsx';
import { ActionFailureAlert, useActionFailure } from './action-failure.tsx';
import { useLibrary } from './library-context.tsx';

/** Settings: storage use, persistence, smart search on this device, and a sample library to try the app with. */
export function SettingsView(): JSX.Element {
  const lib = useLibrary();
  const [storage, { refetch }] = createResource(async () =>
    navigator.storage?.estimate ? navigator.storage.estimate() : undefined,
  );
  const [persisted, setPersisted] = createSignal<boolean | undefined>();
  const [busy, setBusy] = createSignal('');
  const [count, setCount] = createSignal(2000);
  const failure = useActionFailure();

  async function addSample(): Promise<void> {
    setBusy(`Adding ${count()} sample items…`);
    const all = syntheticLibrary({ count: count(), seed: 42 });
    // Batches keep each IndexedDB transaction short, so the page stays responsive.
    let added = 0;
    try {
      for (let i = 0; i < all.length; i += 2000) {
        await lib.addAssets(all.slice(i, i + 2000));
        added = Math.min(all.length, i + 2000);
      }
      setBusy(`Added ${count()} sample items.`);
    } catch (e) {
      // The batches before the failing one are in the library.
      setBusy(added ? `Added ${added} of ${all.length} sample items.` : '');
      throw e;
    } finally {
      void refetch();
    }
  }

  return (
    <section class="page" aria-labelledby="settings-title">
      <h1 id="settings-title" class="page-title">
        Settings
      </h1>
      <h2>Storage</h2>
      <Show when={storage()} fallback={<p class="muted">This browser does not report storage use.</p>}>
        {(s) => (
          <p>
            Using {((s().usage ?? 0) / 1e6).toFixed(1)} MB of {((s().quota ?? 0) / 1e9).toFixed(1)} GB
            available to Hearth in this browser.
          </p>
        )}
      </Show>
      <button
        type="button"
        onClick={() =>
          void failure.run('ask the browser to keep the library', async () =>
            setPersisted(await navigator.storage?.persist?.()),
          )
        }
      >
        Keep my library when the browser is short of space
      </button>
      <Show when={persisted() !== undefined}>
        <p role="status">
          {persisted()
            ? 'The browser will keep Hearth’s data.'
            : 'The browser declined; install Hearth to make it more likely.'}
        </p>
      </Show>
      <h2>Smart search</h2>
      <SmartSearchToggle />
      <h2>Sample library</h2>
      <p class="muted">
        Fills this device’s library with generated placeholders, to try the timeline without photos.
      </p>
      <div class="row">
        <label>
          Items{' '}
          <input
            type="number"
            min="1"
            max="200000"
            value={count()}
            onInput={(e) => setCount(Math.max(1, Number(e.currentTarget.value) || 1))}
          />
        </label>
        <button type="button" onClick={() => void failure.run('add the sample library', addSample)}>
          Add sample library
        </button>
      </div>
      <Show when={busy()}>
        <p role="status">{busy()}</p>
      </Show>
      <ActionFailureAlert failure={failure} />
    </section>
  );
}
