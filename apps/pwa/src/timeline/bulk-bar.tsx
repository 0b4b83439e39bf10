import { Show, type JSX } from 'solid-js';
import type { TimelineFilter } from './timeline-filter.ts';

/** The actions on a selection; replaces the page title while something is selected. */
export function BulkBar(props: {
  count: number;
  filter: TimelineFilter;
  onFavorite: () => void;
  onArchive: (archived: boolean) => void;
  onTrash: () => void;
  onRestore: () => void;
  onDelete: () => void;
  onAddToAlbum: () => void;
  onDownload: () => void;
  onClear: () => void;
}): JSX.Element {
  return (
    <div class="bulk-bar" role="toolbar" aria-label="Selection actions">
      <button type="button" class="ghost" onClick={() => props.onClear()} aria-label="Clear selection">
        ✕
      </button>
      <strong aria-live="polite">{props.count} selected</strong>
      <span class="grow" />
      <Show
        when={props.filter === 'trash'}
        fallback={
          <>
            <button type="button" onClick={() => props.onFavorite()}>
              Favorite
            </button>
            <button type="button" onClick={() => props.onArchive(props.filter !== 'archive')}>
              {props.filter === 'archive' ? 'Unarchive' : 'Archive'}
            </button>
            <button type="button" onClick={() => props.onAddToAlbum()}>
              Add to album
            </button>
            <button type="button" onClick={() => props.onDownload()}>
              Download
            </button>
            <button type="button" class="danger" onClick={() => props.onTrash()}>
              Trash
            </button>
          </>
        }
      >
        <button type="button" onClick={() => props.onRestore()}>
          Restore
        </button>
        <button type="button" class="danger" onClick={() => props.onDelete()}>
          Delete permanently
        </button>
      </Show>
    </div>
  );
}
