import { createSignal, Show, type JSX } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

/**
 * Registers the service worker and, when a new version has been deployed and is waiting,
 * offers to reload into it (never swaps code under the user's feet).
 */
export function UpdatePrompt(): JSX.Element {
  const [needRefresh, setNeedRefresh] = createSignal(false);
  const [offlineReady, setOfflineReady] = createSignal(false);
  let update: ((reload?: boolean) => Promise<void>) | undefined;
  if ('serviceWorker' in navigator) {
    update = registerSW({
      immediate: true,
      onNeedRefresh: () => setNeedRefresh(true),
      onOfflineReady: () => setOfflineReady(true),
    });
  }
  return (
    <Show when={needRefresh() || offlineReady()}>
      <div class="toast" role="alert">
        <Show when={needRefresh()} fallback={<span>Hearth now works offline.</span>}>
          <span>A new version of Hearth is ready.</span>
          <button type="button" onClick={() => void update?.(true)}>
            Reload
          </button>
        </Show>
        <button
          type="button"
          class="ghost"
          onClick={() => {
            setNeedRefresh(false);
            setOfflineReady(false);
          }}
        >
          Dismiss
        </button>
      </div>
    </Show>
  );
}
