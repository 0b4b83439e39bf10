import { OPT_IN_AUTO_MAX_BYTES } from '@hearth/ml';
import { createResource, onCleanup, Show, type JSX } from 'solid-js';
import { ActionFailureAlert, useActionFailure } from '../shell/action-failure.tsx';
import { openSmartSearchStore, type SmartSearchStore } from './smart-search-setting.idb.ts';

/** What the switch shows: on or off, and what turning it on downloads. */
export function smartSearchState(s: { on?: boolean; modelBytes?: number }): { on: boolean; label: string } {
  const on = s.on ?? (s.modelBytes === undefined || s.modelBytes <= OPT_IN_AUTO_MAX_BYTES);
  const size =
    s.modelBytes === undefined
      ? 'downloads the home node’s image model once it publishes one'
      : `downloads ${Math.max(1, Math.round(s.modelBytes / 1e6))} MB`;
  return { on, label: `Smart search on this device — ${size}` };
}

/**
 * Settings entry "Smart search on this device": whether this device fetches the CLIP image
 * model to make its own offline imports findable by description (see smart-search-setting.idb.ts).
 */
export function SmartSearchToggle(props: { store?: () => Promise<SmartSearchStore> }): JSX.Element {
  const opened = (props.store ?? (() => openSmartSearchStore()))();
  const [setting, { refetch }] = createResource(async () => (await opened).read());
  const failure = useActionFailure();
  let off: (() => void) | undefined;
  let disposed = false;
  void opened.then((s) => {
    if (!disposed) off = s.onChange(() => void refetch());
  });
  onCleanup(() => {
    disposed = true;
    off?.();
    if (!props.store) void opened.then((s) => s.close());
  });
  return (
    <Show when={setting()}>
      {(s) => {
        const state = () => smartSearchState(s());
        return (
          <>
            <label class="row">
              <input
                type="checkbox"
                checked={state().on}
                onChange={(e) => {
                  const box = e.currentTarget;
                  const on = box.checked;
                  void failure
                    .run(`turn smart search ${on ? 'on' : 'off'}`, async () => (await opened).setOn(on))
                    .then((ok) => {
                      // Not saved: the switch shows what still holds.
                      if (!ok) box.checked = state().on;
                    });
                }}
              />{' '}
              {state().label}
            </label>
            <ActionFailureAlert failure={failure} />
            <p class="muted">
              Finds photos you took on this device by what they show (“a red car”) before your home node has
              them. Faces, tags and words in photos are found either way.
            </p>
          </>
        );
      }}
    </Show>
  );
}
