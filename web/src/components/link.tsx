import type { ComponentChildren } from 'preact';
import { onLinkClick } from '../router';

/** An <a> that routes inside the app (a real link: copy, open in a new tab and middle-click still work). */
export function Link(props: { href: string; class?: string; 'aria-current'?: 'page'; children: ComponentChildren }) {
  return <a {...props} onClick={onLinkClick} />;
}
