// Watches a whole session for requests to other origins (page and workers) and Content-Security-Policy
// violations in the page, so a spec can assert the app stays on its own origin under its policy.
import type { BrowserContext, Page } from '@playwright/test';

export interface OriginWatch {
  /** Requests that left the page's origin (blob: and data: URLs are local). */
  foreign: string[];
  /** Violations the page reported so far. */
  violations(): Promise<string[]>;
}

export async function watchOrigins(page: Page, context: BrowserContext, origin: string): Promise<OriginWatch> {
  const foreign: string[] = [];
  context.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin) foreign.push(url);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return {
    foreign,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
}
