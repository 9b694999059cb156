// nav.js - moving between pages. Kept apart from app.js so pages can navigate
// without importing the shell that imports them.

// Goes to `hash`; when already there, renders the page again (fresh data).
export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new CustomEvent('coffer:rerender'));
  else location.hash = hash;
}
