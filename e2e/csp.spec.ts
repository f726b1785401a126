// Issue 12: the built app sets a Content-Security-Policy allowing only what it needs (scripts/csp.mjs), on the page
// as a <meta> and as a header on every response (workers included). A whole session under it — model load and
// an answer — is checked in ask.spec.ts with the same watcher; here, the policy itself and a video session.
import { expect, test } from '@playwright/test';
import { contentSecurityPolicy } from '../scripts/csp.mjs';
import { openApp, setSampling, settledVideo } from './support/app';
import { watchOrigins } from './support/same-origin';

test('content security policy: set on the page and its workers, nothing broader than needed, no violations', async ({
  page,
  context,
  baseURL,
}) => {
  const watch = await watchOrigins(page, context, new URL(baseURL!).origin);
  const workerPolicies: (string | undefined)[] = [];
  page.on('response', (r) => {
    if (/\.worker-[\w-]+\.js$/.test(new URL(r.url()).pathname))
      workerPolicies.push(r.headers()['content-security-policy']);
  });
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toBe(contentSecurityPolicy());
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toBe(contentSecurityPolicy({ meta: true }));
  // Nothing inline or evaluated, no wildcard origin; every directive but connect-src stays on this origin (and blob:/data:
  // for the user's own media), and connect-src reaches only https endpoints (the Hub setting) and loopback.
  expect(meta).not.toMatch(/unsafe-inline|unsafe-eval|\s\*(\s|;|$)/);
  const reaching = meta!.split('; ').filter((d) => /https?:/.test(d));
  expect(reaching).toEqual(["connect-src 'self' https: http://localhost:* http://127.0.0.1:*"]);

  await openApp(page);
  await setSampling(page, { countMode: 'nframes', nframes: 2, minPixels: 3136, maxPixels: 3136 });
  await page.getByRole('button', { name: 'Use the sample video' }).click();
  expect((await settledVideo(page)).error).toBeNull();
  expect(workerPolicies.length, 'worker scripts loaded').toBeGreaterThanOrEqual(2);
  for (const p of workerPolicies) expect(p, 'a worker script without the policy').toBe(contentSecurityPolicy());
  expect(await watch.violations()).toEqual([]);
  expect(watch.foreign, 'requests to other origins').toEqual([]);
});
