import type { JSX } from 'solid-js';

/** A page whose feature lands with another package (people ← ml, map ← media geocoding, …). */
export function PlaceholderView(props: { title: string; children: JSX.Element }): JSX.Element {
  return (
    <section class="page" aria-labelledby="placeholder-title">
      <h1 id="placeholder-title" class="page-title">
        {props.title}
      </h1>
      <p class="empty">{props.children}</p>
    </section>
  );
}
