import { messageOf } from '../api/errors';
import type { Async } from './use-async';
import { Notice } from './notice';
import type { ComponentChildren } from 'preact';

/** The loading and error states of a page's data, the same everywhere. */
export function Loaded<T>({ state, children }: { state: Async<T>; children: (data: T) => ComponentChildren }) {
  if (state.error) return <Notice tone="error" title="Could not load this">{messageOf(state.error)}</Notice>;
  if (state.data === undefined) return <p role="status" class="muted">Loading…</p>;
  return <>{children(state.data)}</>;
}
