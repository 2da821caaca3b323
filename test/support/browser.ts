// Debian's chromium driven by playwright-core. A machine without it skips the browser
// suites and says so (never a silent pass); .ci/run installs it.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

export function describeWithChromium(name: string, body: () => void): void {
  if (!haveChromium) {
    console.warn(`SKIPPED: "${name}" needs Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM})`, body);
    return;
  }
  describe(name, body);
}

/** A fresh profile every time, nothing phoning home. */
export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hubdial-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
}
