import { createContext, createSignal, onCleanup, useContext, type JSX } from 'solid-js';
import { isPending, type UploadEntry, type UploadQueue } from './upload-queue.ts';

const QueueContext = createContext<{ queue: UploadQueue; entries: () => readonly UploadEntry[] }>();

/** Provides the upload queue and its entries as a signal. */
export function UploadQueueProvider(props: { queue: UploadQueue; children: JSX.Element }): JSX.Element {
  const [entries, setEntries] = createSignal<readonly UploadEntry[]>(props.queue.entries());
  const off = props.queue.onUpdate(setEntries);
  onCleanup(off);
  return (
    <QueueContext.Provider value={{ queue: props.queue, entries }}>{props.children}</QueueContext.Provider>
  );
}

export function useUploads(): { queue: UploadQueue; entries: () => readonly UploadEntry[] } {
  const q = useContext(QueueContext);
  if (!q) throw new Error('useUploads() outside <UploadQueueProvider>: wrap the app in it');
  return q;
}

/** How many files still wait to be backed up. */
export function usePendingUploads(): number {
  const ctx = useContext(QueueContext);
  return ctx ? ctx.entries().filter(isPending).length : 0;
}
