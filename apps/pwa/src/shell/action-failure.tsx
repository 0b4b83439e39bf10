import { createEffect, createSignal, on, Show, type Accessor, type JSX } from 'solid-js';
import { failureMessage } from './failure-message.ts';

/**
 * What a page tells the person when an action they asked for fails (storage full, an album
 * deleted on another device, a closed database). Actions are otherwise fire-and-forget:
 * without this a failure was an unhandled rejection and nothing on screen changed.
 */
export interface ActionFailure {
  /** The sentence shown ("Could not …: …"), or undefined when the last attempt did not fail. */
  readonly message: Accessor<string | undefined>;
  /**
   * Runs `action`, hiding the previous failure first (the latest failure shows). Never
   * rejects: resolves true when the action succeeded, false when it failed (then shown).
   * @param what the action as the person would say it, after "Could not" ("rename the album")
   */
  run(what: string, action: () => Promise<unknown>): Promise<boolean>;
  /** Hides the failure (the person dismissed it). */
  dismiss(): void;
}

/**
 * One page's (or panel's) failure state; show it with `<ActionFailureAlert>`. Given `subject`
 * (the album or photo shown), a failure is dismissed when it changes: a page that stays mounted
 * from one to the next must not tell the next one's of the last one's failure.
 */
export function useActionFailure(subject?: Accessor<unknown>): ActionFailure {
  const [message, setMessage] = createSignal<string | undefined>();
  if (subject) createEffect(on(subject, () => setMessage(undefined), { defer: true }));
  return {
    message,
    async run(what, action) {
      setMessage(undefined);
      try {
        await action();
        return true;
      } catch (e) {
        // Also when a newer action started meanwhile: this one still did not happen.
        setMessage(failureMessage(what, e));
        return false;
      }
    },
    dismiss: () => setMessage(undefined),
  };
}

/** The failure, when there is one: an alert (read out by screen readers) with a Dismiss button. */
export function ActionFailureAlert(props: { failure: ActionFailure }): JSX.Element {
  return (
    <Show when={props.failure.message()}>
      {(message) => (
        <div class="action-failure">
          <p role="alert" data-testid="action-failure">
            {message()}
          </p>
          <button type="button" class="ghost" onClick={() => props.failure.dismiss()}>
            Dismiss
          </button>
        </div>
      )}
    </Show>
  );
}
