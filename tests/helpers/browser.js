// Debian's Chromium driven by playwright-core (no browser download), with screenshots kept.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './stack.js';

export const screenshots = join(root, 'test-results', 'screenshots');

export async function launch() {
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const shot = (page, name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
