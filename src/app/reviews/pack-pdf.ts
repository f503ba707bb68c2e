import type { Browser } from 'playwright-core';
import { AppError } from '../../errors.ts';

/**
 * Review packs printed to tagged, accessible PDF by Chromium (`playwright-core`'s `page.pdf` with a
 * tag tree and an outline), the same Chromium the browser tests use. One browser per process,
 * launched on first use; each user (a web app, the command line, a bench) takes a hold with
 * `holdPdfBrowser` and lets go with the function it returns — the browser closes when the last lets go.
 */

export const defaultChromiumPath = '/usr/bin/chromium';

let chromiumPath = defaultChromiumPath;
let browser: Promise<Browser> | null = null;
let holders = 0;

/** Sets where Chromium is (`CHROMIUM_PATH`), before the first PDF (`setChromiumPath`). */
export function setChromiumPath(path: string): void {
  chromiumPath = path;
}

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  } catch (error) {
    throw new AppError(
      'PDF_UNAVAILABLE',
      `Tend could not start Chromium at ${chromiumPath} to print the PDF: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}. Install Chromium or set CHROMIUM_PATH.`,
    );
  }
}

function currentBrowser(): Promise<Browser> {
  if (!browser) {
    const launching = launch();
    browser = launching;
    const forget = () => {
      if (browser === launching) browser = null;
    };
    launching.then((opened) => opened.on('disconnected', forget)).catch(forget);
  }
  return browser;
}

/** Takes a hold on the shared browser; the returned function lets go, closing it after the last (`holdPdfBrowser`). */
export function holdPdfBrowser(): () => Promise<void> {
  holders += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders > 0 || !browser) return;
    const closing = browser;
    browser = null;
    await closing.then((opened) => opened.close()).catch(() => undefined);
  };
}

/** A self-contained HTML document printed to an A4 tagged PDF with an outline (`htmlToPdf`). */
export async function htmlToPdf(html: string): Promise<Buffer> {
  const opened = await currentBrowser();
  const context = await opened.newContext({ javaScriptEnabled: false, offline: true });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      tagged: true,
      outline: true,
      format: 'A4',
      printBackground: true,
      margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
    });
  } finally {
    await context.close();
  }
}
