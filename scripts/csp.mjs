// The app's Content-Security-Policy, in one place: vite.config.ts puts it in the built index.html (a <meta>, for
// static hosts that cannot set headers) and sends it as a header from `vite preview` (which also covers the
// workers: a dedicated worker follows the policy of its own script's response, not the page's <meta>).
// Everything is same-origin except model downloads: the Hugging Face Hub and the hosts it redirects file
// downloads to (cdn-lfs*.huggingface.co, cas-bridge.xethub.hf.co, …). A build for another Hub endpoint (a mirror)
// names its origin in HF_ENDPOINT at build time; a mirror chosen at run time would need connect-src https:.

export const HUB_ORIGINS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/** The hub origins for this build: the Hub's, plus HF_ENDPOINT's origin when set. */
export function hubOrigins(env = process.env) {
  const extra = env.HF_ENDPOINT ? [new URL(env.HF_ENDPOINT).origin] : [];
  return [...HUB_ORIGINS, ...extra.filter((o) => !HUB_ORIGINS.includes(o))];
}

/** `meta`: without the directives a <meta> policy may not carry (frame-ancestors). */
export function contentSecurityPolicy({ meta = false, hubs = hubOrigins() } = {}) {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Frames, thumbnails and the player use object URLs of the user's own file.
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "worker-src 'self'",
    `connect-src 'self' ${hubs.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(meta ? [] : ["frame-ancestors 'none'"]),
  ].join('; ');
}
