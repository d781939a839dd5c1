import type { ComponentChildren } from 'preact';

export type Tone = 'info' | 'success' | 'warning' | 'error';

/**
 * A message that matters: errors are announced at once (role="alert"),
 * the rest politely (role="status"). The tone is said in words too, never
 * by colour alone.
 */
export function Notice({ tone, title, children }: { tone: Tone; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`notice notice-${tone}`} role={tone === 'error' || tone === 'warning' ? 'alert' : 'status'}>
      {title && <strong class="notice-title">{title}</strong>}
      {children && <div>{children}</div>}
    </div>
  );
}
