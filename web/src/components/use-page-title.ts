import { useEffect } from 'preact/hooks';

/** The window title says where you are (and is what a screen reader reads on arrival). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Tickets`;
  }, [title]);
}
