import { createResource, For, onCleanup, Show, type JSX } from 'solid-js';
import type { AssetDetails } from '../library/library-client.ts';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { createFieldDraft } from '../shell/field-draft.ts';
import { useLibrary } from '../shell/library-context.tsx';
import { backupLabel } from '../upload/backup-label.ts';

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** Details of one asset with the editable fields (description, rating). */
export function InfoPanel(props: { asset: AssetDetails }): JSX.Element {
  const lib = useLibrary();
  const [albums, { refetch }] = createResource(
    () => props.asset.id,
    async (id) => (await lib.listAlbums()).filter((a) => a.assets.includes(id)),
  );
  // An album edited here or elsewhere, or one reaching this device after the photo did.
  const off = lib.onChange((c) => c.albums.length > 0 && void refetch());
  onCleanup(off);
  const failure = useActionFailure(() => props.asset.id);
  const description = createFieldDraft(
    () => props.asset.description,
    () => props.asset.id,
  );
  return (
    <aside class="info-panel" aria-label="Info">
      <h2>Info</h2>
      <ActionFailureAlert failure={failure} />
      <label class="field">
        <span>Description</span>
        <textarea
          rows={2}
          placeholder="Add a description"
          value={description.value()}
          onChange={(e) => {
            const typed = e.currentTarget.value;
            const id = props.asset.id;
            description.save(failure, 'save the description', typed, () => lib.setDescription(id, typed));
          }}
        />
      </label>
      <div class="field" role="radiogroup" aria-label="Rating">
        <For each={[1, 2, 3, 4, 5]}>
          {(n) => (
            <button
              type="button"
              class="star ghost"
              role="radio"
              aria-checked={props.asset.rating === n}
              aria-label={`${n} star${n > 1 ? 's' : ''}`}
              onClick={() => {
                const rating = props.asset.rating === n ? 0 : n;
                void failure.run(
                  rating ? `give the photo ${n} star${n > 1 ? 's' : ''}` : 'clear the rating',
                  () => lib.setRating(props.asset.id, rating),
                );
              }}
            >
              {n <= props.asset.rating ? '★' : '☆'}
            </button>
          )}
        </For>
      </div>
      <dl>
        <dt>Taken</dt>
        <dd>
          {new Date(props.asset.capturedAt).toLocaleString(undefined, {
            dateStyle: 'full',
            timeStyle: 'short',
          })}
        </dd>
        <Show when={props.asset.place}>
          <dt>Place</dt>
          <dd>{props.asset.place}</dd>
        </Show>
        <Show when={props.asset.camera}>
          {(c) => (
            <>
              <dt>Camera</dt>
              <dd>{[c().make, c().model].filter(Boolean).join(' ')}</dd>
            </>
          )}
        </Show>
        <dt>File</dt>
        <dd>
          {props.asset.fileName ?? props.asset.id.slice(0, 12)} · {props.asset.width}×{props.asset.height} ·{' '}
          {formatBytes(props.asset.size)}
        </dd>
        <dt>Backup</dt>
        <dd data-testid="backup-state">{backupLabel(props.asset)}</dd>
        <Show when={(albums() ?? []).length > 0}>
          <dt>Albums</dt>
          <dd>{(albums() ?? []).map((a) => a.title).join(', ')}</dd>
        </Show>
      </dl>
    </aside>
  );
}
