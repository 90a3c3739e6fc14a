// The registry console: a static page on the JS client (js/client). It talks to one chain
// endpoint (the `rpc` query parameter, or what the user types; ws://127.0.0.1:9944 by default)
// and to the wallet extension the user connects; nothing else (the page's Content-Security-Policy
// allows sockets and nothing more). Screens are routes of the URL's hash (`#/explorer`,
// `#/node/12D3KooW…`, `#/owner`, `#/register`, `#/consent`), so that every screen has an address.
import { ConnectError, connect } from '../../client/index.mjs';
import { clearNotice, fill, h, say } from './dom.mjs';
import { consentScreen } from './consent.mjs';
import { explorerScreen, nodeScreen } from './explorer.mjs';
import { ownerScreen } from './owner.mjs';
import { registerScreen } from './register.mjs';
import { Wallet } from './wallet.mjs';

const DEFAULT_ENDPOINT = 'ws://127.0.0.1:9944';

/** The screens by route; each renders into `main` and may return `{ onBlock, close }`. */
const SCREENS = {
  explorer: explorerScreen,
  node: nodeScreen,
  owner: ownerScreen,
  register: registerScreen,
  consent: consentScreen,
};

/**
 * What every screen is given: the chain (`api`, null until connected), its unit, the wallet,
 * and the page's way of submitting transactions.
 */
const ctx = {
  /** @type {import('@polkadot/api').ApiPromise | null} */
  api: null,
  unit: { decimals: 18, symbol: 'UNIT' },
  genesisHash: null,
  best: 0,
  wallet: null,
  /** Renders the current route again (after a wallet change, a connection). */
  rerender: () => route(),
};

let screen = null;
let unsubscribeHeads = null;
let blockTimer = null;

const $ = (id) => document.getElementById(id);

function params() {
  return new URLSearchParams(window.location.search);
}

/** Connects to `endpoint`, replacing any earlier connection; says plainly what went wrong. */
async function connectTo(endpoint) {
  clearNotice();
  if (unsubscribeHeads) { unsubscribeHeads(); unsubscribeHeads = null; }
  if (ctx.api) { const old = ctx.api; ctx.api = null; await old.disconnect().catch(() => {}); }
  fill($('chain-status'), `Connecting to ${endpoint}…`);
  const expected = params().get('genesis');
  try {
    ctx.api = await connect(endpoint, { genesisHash: expected || undefined });
  } catch (error) {
    const text = error instanceof ConnectError ? error.message : `cannot use the chain at ${endpoint}: ${error.message}`;
    fill($('chain-status'), 'Not connected');
    $('chain-status').dataset.state = 'down';
    say(text);
    route();
    return;
  }
  const api = ctx.api;
  ctx.genesisHash = api.genesisHash.toU8a();
  ctx.unit = { decimals: api.registry.chainDecimals[0] ?? 18, symbol: api.registry.chainTokens[0] ?? 'UNIT' };
  $('chain-status').dataset.state = 'up';
  api.on('disconnected', () => {
    if (ctx.api !== api) return;
    $('chain-status').dataset.state = 'down';
    fill($('chain-status'), `Disconnected from ${endpoint}`);
    say(`the connection to ${endpoint} was lost: is the node still running? Connect again when it is.`);
  });
  const { specName, specVersion } = api.runtimeVersion;
  unsubscribeHeads = await api.rpc.chain.subscribeNewHeads((header) => {
    ctx.best = header.number.toNumber();
    fill($('chain-status'), `${endpoint} · ${specName}/${specVersion} · genesis ${api.genesisHash.toHex().slice(0, 10)}… · block #${ctx.best}`);
    $('chain-status').dataset.best = String(ctx.best);
    // Screens follow the chain, at most once per 300 ms while blocks come fast.
    if (!blockTimer) {
      blockTimer = setTimeout(() => { blockTimer = null; screen?.onBlock?.(); }, 300);
    }
  });
  route();
}

/** Renders the screen the hash names (`#/node/<id>` gives the node screen `<id>`). */
function route() {
  const [name = 'explorer', ...rest] = window.location.hash.replace(/^#\/?/, '').split('/');
  const [path, query = ''] = [rest.join('/').split('?')[0], window.location.hash.split('?')[1] ?? ''];
  const key = name.split('?')[0];
  const render = SCREENS[key] ?? SCREENS.explorer;
  for (const a of $('tabs').querySelectorAll('a')) a.classList.toggle('active', a.getAttribute('href') === `#/${key}`);
  screen?.close?.();
  // What was said on another screen does not belong to this one.
  if (ctx.api) clearNotice();
  const main = $('view');
  fill(main);
  if (!ctx.api) {
    fill(main, h('p', { className: 'muted' }, 'Connect to a chain to begin (the address above).'));
    screen = null;
    return;
  }
  try {
    screen = render(ctx, main, { path: decodeURIComponent(path), query: new URLSearchParams(query) }) ?? null;
  } catch (error) {
    say(error.message);
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', () => {
  const endpoint = params().get('rpc') || DEFAULT_ENDPOINT;
  $('endpoint').value = endpoint;
  $('endpoint-form').addEventListener('submit', (event) => {
    event.preventDefault();
    connectTo($('endpoint').value.trim());
  });
  ctx.wallet = new Wallet($('wallet'), () => route());
  connectTo(endpoint);
});
