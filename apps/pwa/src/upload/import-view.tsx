import { createMemo, createSignal, For, Show, type JSX } from 'solid-js';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { useLibrary } from '../shell/library-context.tsx';
import { FreeUpSpace } from './free-up-space.tsx';
import { useUploads } from './upload-context.tsx';
import { isPending, type UploadEntry } from './upload-queue.ts';

const LABEL: Record<UploadEntry['state'], string> = {
  queued: 'Waiting',
  hashing: 'Checking',
  importing: 'Adding',
  uploading: 'Backing up',
  done: 'Added',
  duplicate: 'Already in library',
  failed: 'Failed',
};

const ACCEPT = 'image/*,video/*,.heic,.heif,.dng,.avif,.jxl';

/**
 * Back up from this device: pick files or a folder, or drop them here. Each file is hashed
 * in a worker and skipped when the library already has it; the list survives reloads.
 */
export function ImportView(): JSX.Element {
  const { queue, entries } = useUploads();
  const library = useLibrary();
  const [over, setOver] = createSignal(false);
  // Adding to the queue writes to IndexedDB: a full disk refuses it, and then nothing is backed up.
  const failure = useActionFailure();
  const overall = createMemo(() => {
    const list = entries();
    if (!list.length) return 1;
    return (
      list.reduce((s, e) => s + (isPending(e) ? (e.state === 'queued' ? 0 : e.progress * 0.9) : 1), 0) /
      list.length
    );
  });
  const add = (files: FileList | null | undefined) => {
    // Empty files too: they fail in the queue with a reason, rather than vanish unseen.
    const list = [...(files ?? [])];
    const what = list.length === 1 ? `add ${list[0]!.name}` : `add ${list.length} files`;
    if (list.length) void failure.run(`${what} to the backup queue`, () => queue.add(list));
  };
  return (
    <section class="page" aria-labelledby="import-title">
      <h1 id="import-title" class="page-title">
        Back up from this device
      </h1>
      <div
        class="dropzone"
        classList={{ over: over() }}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          add(e.dataTransfer?.files);
        }}
      >
        <p>Drop photos and videos here, or</p>
        <div class="row center">
          <label class="button">
            Choose files
            <input
              class="sr-only"
              type="file"
              multiple
              accept={ACCEPT}
              data-testid="file-input"
              onChange={(e) => add(e.currentTarget.files)}
            />
          </label>
          <label class="button">
            Choose a folder
            <input
              class="sr-only"
              type="file"
              multiple
              {...{ webkitdirectory: true }}
              onChange={(e) => add(e.currentTarget.files)}
            />
          </label>
        </div>
      </div>
      <ActionFailureAlert failure={failure} />
      <Show when={entries().length > 0}>
        <div class="row">
          <progress max="1" value={overall()} aria-label="Overall progress" />
          <span class="muted">
            {entries().filter((e) => !isPending(e)).length} of {entries().length}
          </span>
          <span class="grow" />
          <button
            type="button"
            class="ghost"
            onClick={() => void failure.run('clear the finished files', () => queue.clearFinished())}
          >
            Clear finished
          </button>
        </div>
        <ul class="upload-list" aria-label="Backup queue">
          <For each={entries()}>
            {(e) => (
              <li data-state={e.state}>
                <span class="grow name">{e.name}</span>
                <Show when={e.state === 'hashing' || e.state === 'importing' || e.state === 'uploading'}>
                  <progress max="1" value={e.progress} aria-label={`${e.name} progress`} />
                </Show>
                <span class="state">{LABEL[e.state]}</span>
                <Show when={e.state === 'failed'}>
                  <span class="error" title={e.error}>
                    {e.error}
                  </span>
                  <button
                    type="button"
                    class="ghost"
                    onClick={() => void failure.run(`retry ${e.name}`, () => queue.retry(e.id))}
                  >
                    Retry
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <FreeUpSpace library={library} />
    </section>
  );
}
