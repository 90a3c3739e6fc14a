// A real browser for the console's tests: Debian's chromium (scripts/setup-browser.sh installs
// it), driven by puppeteer-core (which downloads no browser), and a wallet shim in the page.
// The shim is the extension interface (`window.injectedWeb3[name].enable()`: accounts and a
// signer) as @polkadot/extension-inject defines it; its signatures come from a keyring here, in
// the test, as an extension's come from the keys it holds.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import puppeteer from 'puppeteer-core';
import { root } from './chain.mjs';

/** The system's chromium: CHROMIUM, or `chromium` on the PATH. */
export function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no chromium on the PATH: scripts/setup-browser.sh installs it (Debian\'s package)');
  }
}

/** Starts headless chromium. */
export async function launchBrowser() {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    defaultViewport: { width: 1400, height: 1000 },
  });
}

/** Where the console's screenshots go: CONSOLE_SCREENSHOTS, or target/e2e/console-screenshots. */
export function screenshotDir() {
  const dir = process.env.CONSOLE_SCREENSHOTS ?? path.join(root, 'target', 'e2e', 'console-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A wallet shim for `page`: the extension `name` with `pairs` (keyring pairs) as its accounts.
 * `wallet.refuse = true` makes it decline the next requests, as a user pressing Cancel does.
 * `api` (same chain as the page) encodes the payloads it signs.
 * @returns {Promise<{ refuse: boolean, signed: number }>}
 */
export async function injectWallet(page, api, pairs, name = 'test-wallet') {
  const wallet = { refuse: false, signed: 0 };
  const byAddress = new Map(pairs.map((p) => [p.address, p]));
  const pairOf = (address) => {
    const pair = byAddress.get(address);
    if (!pair) throw new Error(`the wallet holds no account ${address}`);
    if (wallet.refuse) throw new Error('Cancelled');
    wallet.signed += 1;
    return pair;
  };
  await page.exposeFunction('__walletSignPayload', (payload) => {
    const pair = pairOf(payload.address);
    const { signature } = api.registry.createType('ExtrinsicPayload', payload, { version: payload.version }).sign(pair);
    return { id: wallet.signed, signature };
  });
  await page.exposeFunction('__walletSignRaw', (raw) => {
    const pair = pairOf(raw.address);
    return { id: wallet.signed, signature: u8aToHex(pair.sign(u8aWrapBytes(hexToU8a(raw.data)))) };
  });
  const accounts = pairs.map((p) => ({ address: p.address, name: p.meta.name ?? p.address.slice(0, 6), type: p.type }));
  await page.evaluateOnNewDocument((walletName, list) => {
    // Exposed functions reject with a plain Error; the extension's signer rejects the same way.
    const call = async (fn, arg) => window[fn](arg);
    window.injectedWeb3 = {
      [walletName]: {
        version: '0.0.1-test',
        enable: async () => ({
          accounts: { get: async () => list, subscribe: (cb) => { cb(list); return () => {}; } },
          signer: { signPayload: (p) => call('__walletSignPayload', p), signRaw: (r) => call('__walletSignRaw', r) },
        }),
      },
    };
  }, name, accounts);
  return wallet;
}

/** The notice line's text once it says something matching `pattern` (waits up to `timeout` ms). */
export async function noticeMatching(page, pattern, timeout = 60_000) {
  await page.waitForFunction((source, flags) => {
    const el = document.getElementById('notice');
    return el && !el.hidden && new RegExp(source, flags).test(el.textContent);
  }, { timeout, polling: 100 }, pattern.source, pattern.flags);
  return page.$eval('#notice', (el) => el.textContent);
}

/** Types `text` into the field `selector` (replacing what it holds) and fires its input event. */
export async function setField(page, selector, text) {
  await page.$eval(selector, (el, value) => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, text);
}
