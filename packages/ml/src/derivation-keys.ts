/**
 * What the reconcile loop compares: for each ML result kind, the key of the models that
 * would derive it now. A stored result whose key differs (or a kind whose models became
 * available) is stale; a kind whose models are missing is reported, not derived.
 */
import type { ModelLoader } from './model-loader.ts';
import { modelKey, type ModelTask } from './model-registry.ts';

export type DerivedKind = 'faces' | 'tags' | 'ocr' | 'clip';

const TASKS: Record<DerivedKind, readonly ModelTask[]> = {
  faces: ['face-detection', 'face-embedding'],
  tags: ['object-detection'],
  ocr: ['ocr-detection', 'ocr-recognition', 'ocr-direction'],
  clip: ['clip-image'],
};

/** The key each kind's results carry (`FacesOfPhoto.models` joined with '+', `TagsOfPhoto.model`, …). */
export function resultKey(kind: DerivedKind, loader: ModelLoader): string | undefined {
  const specs = TASKS[kind].map((t) => loader.spec(t));
  if (specs.some((s) => s === undefined)) return undefined;
  return specs.map((s) => modelKey(s as NonNullable<typeof s>)).join('+');
}

export interface Derivations {
  /** Kinds to (re)derive for this asset, with the key the new result will carry. */
  readonly todo: { readonly kind: DerivedKind; readonly key: string }[];
  /** Kinds that cannot run here, with the reason (shown as feature status). */
  readonly disabled: { readonly kind: DerivedKind; readonly reason: string }[];
}

/** Compare the keys stored with an asset's results against what the present models would produce. */
export async function pendingDerivations(
  stored: Partial<Record<DerivedKind, string>>,
  loader: ModelLoader,
  kinds: readonly DerivedKind[] = ['faces', 'tags', 'ocr', 'clip'],
): Promise<Derivations> {
  const todo: { kind: DerivedKind; key: string }[] = [];
  const disabled: { kind: DerivedKind; reason: string }[] = [];
  for (const kind of kinds) {
    const status = await loader.status(TASKS[kind]);
    const missing = status.find((s) => s.state === 'missing');
    if (missing && missing.state === 'missing') {
      disabled.push({ kind, reason: missing.reason });
      continue;
    }
    const key = resultKey(kind, loader) as string;
    if (stored[kind] !== key) todo.push({ kind, key });
  }
  return { todo, disabled };
}
