import { existsSync } from 'node:fs';

/** Where the browser tests find Chromium: Debian's `chromium` package. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Why a browser test skips, or false when Chromium is there. Only a developer's machine may skip:
 * when `CI` is set (CI=true in CI) a missing Chromium throws, so the test file fails rather than
 * passing silently without its browser checks.
 */
export function chromiumSkipReason(): string | false {
  if (existsSync(chromiumPath)) return false;
  const reason = `Chromium not found at ${chromiumPath} (apt-get install chromium)`;
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0')
    throw new Error(`${reason}; CI is set, so the browser tests must run, not skip`);
  return reason;
}
