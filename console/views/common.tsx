import type { ComponentChildren } from 'preact';
import { useSession, type QueryState } from '../session';

/** Says plainly that this gateway's schema lacks a field the view needs (e.g. before the operations schema is deployed). */
export function Unavailable(props: { field: string }) {
  return (
    <p class="notice" role="status" data-testid="unavailable">
      Not available: this gateway's schema has no <code>{props.field}</code> field yet.
    </p>
  );
}

/** True when the signed-in schema has root field `name`. */
export function useHasField(name: string): boolean {
  return useSession().fields.has(name);
}

/** A query's error, or its loading state before the first answer, or the children. */
export function Loaded<T>(props: { state: QueryState<T>; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  if (state.error && !state.data)
    return (
      <p class="error" role="alert">
        {state.error}
      </p>
    );
  if (!state.data) return <p class="hint">Loading…</p>;
  return (
    <>
      {state.error && (
        <p class="error" role="alert">
          {state.error}
        </p>
      )}
      {props.children(state.data)}
    </>
  );
}

/** A labelled number. */
export function Tile(props: { label: string; value: ComponentChildren; testId?: string; children?: ComponentChildren }) {
  return (
    <section class="tile" aria-label={props.label} data-testid={props.testId}>
      <h3>{props.label}</h3>
      <p class="value">{props.value}</p>
      {props.children}
    </section>
  );
}
