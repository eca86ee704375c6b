import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';

export const baseURL = process.env.E2E_BASE_URL ?? '';
export const welcomeLink = process.env.E2E_WELCOME_LINK ?? '';
export const adminEmail = process.env.E2E_ADMIN_EMAIL ?? 'admin@slussa.local';
/** The directory spec's own server (a fresh database) and its first-run link. */
export const directoryBaseURL = process.env.E2E_DIRECTORY_BASE_URL ?? '';
export const directoryWelcomeLink = process.env.E2E_DIRECTORY_WELCOME_LINK ?? '';

/** Runs axe on the page as it is now and expects no violations at all. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
  );
  expect(violations, `axe violations on ${what}`).toEqual([]);
}

/** A new browser context and page; the page's Content Security Policy violations are collected. */
export async function openPage(
  browser: Browser,
  base: string = baseURL,
): Promise<{ context: BrowserContext; page: Page; cspViolations: string[] }> {
  const context = await browser.newContext({ baseURL: base, acceptDownloads: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
      cspViolations.push(msg.text());
    }
  });
  return { context, page, cspViolations };
}

const lastStep = new Map<string, number>();

/**
 * A TOTP code the server will accept: within its ±30 s window and for a later
 * time step than any code already used (the server refuses replays). Waits
 * for the clock when the usable steps are used up.
 */
export async function totpCode(secret: string): Promise<string> {
  for (;;) {
    const current = Math.floor(Date.now() / 30_000);
    const step = Math.max(current, (lastStep.get(secret) ?? 0) + 1);
    if (step <= current + 1) {
      lastStep.set(secret, step);
      return generate({ secret, epoch: step * 30 });
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The first link of a mail body that opens the given page with a token in the fragment. */
export function linkFromMail(body: string, page: 'welcome' | 'reset-password'): string {
  const match = new RegExp(`https?://\\S+/${page}#token=[A-Za-z0-9_-]+`).exec(body);
  if (!match) throw new Error(`no ${page} link in the message`);
  return match[0];
}
