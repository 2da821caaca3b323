// Paths are real URLs (/calls/ID, /agents): the listener serves the app for any of them,
// so a link can be bookmarked, opened in a new tab or reloaded.
import { signal } from '@preact/signals';

export const location = signal(window.location.pathname + window.location.search);

export function navigate(to: string): void {
  if (to === location.value) return;
  window.history.pushState(null, '', to);
  location.value = to;
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  location.value = window.location.pathname + window.location.search;
});

/** An in-app link: a real <a href> (keyboard, middle click) that does not reload the page. */
export function onLink(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? undefined;
  if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}
