import { createSignal, Show, type JSX } from 'solid-js';

/**
 * Devices and pairing. The pairing link format (`hearth://pair?…`) and protocol come from
 * @hearth/sync's pairing client; until it lands here the form checks the link and says so.
 */
export function DevicesView(): JSX.Element {
  const [link, setLink] = createSignal('');
  const [message, setMessage] = createSignal('');
  return (
    <section class="page" aria-labelledby="devices-title">
      <h1 id="devices-title" class="page-title">
        Devices
      </h1>
      <h2>Pair with your home node</h2>
      <p class="muted">On the home node run “hearth pair”, then paste the link or type the code it shows.</p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const v = link().trim();
          if (!/^hearth:\/\/pair\?|^[A-Za-z0-9-]{6,}$/.test(v)) setMessage('That is not a pairing link or code. Copy it again from “hearth pair”.');
          else setMessage('Pairing is not available in this build yet: this device keeps its library locally until it is.');
        }}
      >
        <label class="grow">
          <span class="sr-only">Pairing link or code</span>
          <input value={link()} onInput={(e) => setLink(e.currentTarget.value)} placeholder="hearth://pair?… or code" />
        </label>
        <button type="submit">Pair</button>
      </form>
      <Show when={message()}>
        <p role="status">{message()}</p>
      </Show>
      <h2>Devices in this library</h2>
      <p class="empty">Only this device, until it is paired.</p>
    </section>
  );
}
