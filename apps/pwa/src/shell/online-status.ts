import { createSignal, onCleanup } from 'solid-js';

/** navigator.onLine as a signal (Chromium updates it on context.setOffline and real outages). */
export function createOnlineSignal(): () => boolean {
  const [online, setOnline] = createSignal(navigator.onLine);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });
  return online;
}
