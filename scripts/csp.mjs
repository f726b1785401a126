// The app's Content-Security-Policy, in one place: vite.config.ts puts it in the built index.html (a <meta>, for
// static hosts that cannot set headers) and sends it as a header from `vite preview` (which also covers the
// workers: a dedicated worker follows the policy of its own script's response, not the page's <meta>).
// Everything is same-origin except model downloads (connect-src). The Hub endpoint is a run-time setting (Hub
// settings: huggingface.co, a mirror, or a local server), so the policy cannot list it: connect-src allows any https
// origin plus loopback http. Scripts stay 'self' only, so no injected code can use that reach; that a normal session
// touches no other origin is asserted by the e2e origin watcher (e2e/support/same-origin.ts).

/** Where fetch/XHR may go: this origin, any https endpoint the user picks, and a local server on loopback. */
export const CONNECT_SOURCES = ["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*'];

/** `meta`: without the directives a <meta> policy may not carry (frame-ancestors). */
export function contentSecurityPolicy({ meta = false } = {}) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Frames, thumbnails and the player use object URLs of the user's own file.
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "worker-src 'self'",
    `connect-src ${CONNECT_SOURCES.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}
