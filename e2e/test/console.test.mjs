// End to end: the registry console (js/console) in a real browser. Debian's chromium, headless,
// driven by puppeteer-core; the page is served by js/console/serve.mjs and talks to the dev chain
// on chopsticks; a wallet shim (lib/browser.mjs) signs with a keyring here. Every owner flow runs
// through the page as a person would use it and is checked on chain; the explorer is compared
// with the chain's own answer for a registry of E2E_CONSOLE_NODES nodes (200 by default) with
// records and mixed liveness. Screenshots of each screen go to target/e2e/console-screenshots
// (CONSOLE_SCREENSHOTS). With REGISTRAR_BIN (CI sets it), the node's host is the real registrar:
// it signs the registration challenge and checks the consent file the page writes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { decodeAddress, ed25519Sign } from '@polkadot/util-crypto';
import {
  allPages, challengeBytes, consentRegisterCall, consentRegistrationArgs, consentStatus, findEvent, nodeById, nodeCounts,
  nodeKey, nodesByCapability, nodesByStatus, nodesByType, ready, send, signedConsent,
} from '../../js/client/index.mjs';
import { serveConsole } from '../../js/console/serve.mjs';
import { freePort, startChain, UNIT } from '../lib/chain.mjs';
import { injectWallet, launchBrowser, noticeMatching, screenshotDir, setField } from '../lib/browser.mjs';
import { CAPABILITIES, populate } from '../lib/registry.mjs';

const NODES = Number(process.env.E2E_CONSOLE_NODES ?? 200);
const PORT = Number(process.env.E2E_CONSOLE_PORT ?? 0);

let chain;
let api;
let keyring;
let site;
let browser;
let page;
let wallet;
let shots;
let pairs;
let registry;
/** What the page asked the user to confirm, in order. */
const dialogs = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'console-e2e-'));

/** Opens the console at `hash` on the test chain (extra query parameters in `query`) and waits for the connection. */
async function open(hash, query = {}) {
  const params = new URLSearchParams({ rpc: chain.endpoint, ...query });
  await page.goto(`${site.url}?${params}${hash}`);
  if (!query.expectFailure) await page.waitForSelector('#chain-status[data-state="up"]', { timeout: 60_000 });
}

/** Connects the wallet and chooses `pair`'s account. */
async function choose(pair) {
  if (!(await page.$('#account'))) {
    await page.click('#wallet-connect');
    await page.waitForSelector('#account');
  }
  await page.select('#account', pair.address);
}

/** Clears the notice line, so that the next one said is the answer to what the test does next. */
const quiet = () => page.$eval('#notice', (el) => { el.hidden = true; el.textContent = ''; });

const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

/** The rows of the node table on the page. */
const rows = () => page.$$eval('#results tr[data-node], #node tr[data-node], #my-nodes tr[data-node]', (trs) => trs.map((tr) => ({
  id: tr.dataset.node,
  status: tr.querySelector('[data-status]').dataset.status,
  check: tr.querySelector('[data-check]')?.dataset.check ?? 'none',
  silent: /silent/.test(tr.textContent),
})));

/** Every page the explorer lists for its current query, clicking Next until the last. */
async function explorerPages() {
  await page.waitForSelector('#results[data-page="1"]', { timeout: 60_000 });
  const seen = [...await rows()];
  for (let n = 2; !(await page.$eval('#next', (b) => b.disabled)); n += 1) {
    await page.click('#next');
    await page.waitForSelector(`#results[data-page="${n}"]`);
    seen.push(...await rows());
  }
  return seen;
}

/** The chain's answer for a paged query, as the page shows it. */
async function chainPages(query) {
  const pages = await allPages(query, 100);
  return pages.flatMap((p) => p.nodes).map((view) => ({
    id: new TextDecoder().decode(view.info.nodeId.toU8a(true)),
    status: view.info.status.type,
    check: view.record.isSome ? 'verified' : 'none',
    silent: view.liveness.isSome && view.liveness.unwrap().silent.isTrue,
  }));
}

/** Runs the command the register screen shows, as the node's host would; resolves to its output. */
function runSign(command, key) {
  const flags = Object.fromEntries([...command.matchAll(/--([a-z-]+) (\S+)/g)].map((m) => [m[1], m[2]]));
  if (process.env.REGISTRAR_BIN) {
    const keyFile = path.join(tmp, `${key.base58}.key`);
    writeFileSync(keyFile, u8aToHex(key.pair.secretKey).slice(2), { mode: 0o600 });
    const args = command.replace(/\\\n\s*/g, ' ').replace('NODE_KEY_FILE', keyFile).split(/\s+/).slice(1);
    return execFileSync(process.env.REGISTRAR_BIN, args, { encoding: 'utf8' });
  }
  // Without the registrar: the same output, signed here from the command's fields.
  const width = Number(flags['block-number-width']) / 8;
  const bytes = challengeBytes({
    genesisHash: hexToU8a(flags['genesis-hash']), owner: decodeAddress(flags.owner), nodeIdHex: key.raw,
    blockNumber: Number(flags['block-number']), expiresAt: Number(flags['block-number']) + Number(flags.lifetime),
    nonce: hexToU8a(flags.nonce), blockNumberBytes: width,
  });
  return JSON.stringify({
    pallet: 'registration', call: 'registerNodeWithColdkey', peerId: key.base58,
    args: { owner: flags.owner, mainPublicKey: u8aToHex(key.publicKey), mainSig: u8aToHex(ed25519Sign(bytes, key.pair)), challengeBytes: u8aToHex(bytes) },
  });
}

/** Prepares a registration of `key` on the register screen; resolves to the command shown. */
async function prepareRegistration(key, nodeType = 'StorageMiner') {
  await open('#/register');
  await setField(page, '#register-form [name="peer"]', key.base58);
  await page.select('#register-form [name="type"]', nodeType);
  await quiet();
  await page.click('#register-form button[type="submit"]');
  await page.waitForSelector('#sign-command');
  return page.$eval('#sign-command', (el) => el.textContent);
}

/** Builds and signs a consent on the consent screen; resolves to the file the page offers. */
async function consentThroughPage(key, { nonce } = {}) {
  await open('#/consent');
  await setField(page, '#consent-form [name="peer"]', key.base58);
  if (nonce !== undefined) await setField(page, '#consent-form [name="nonce"]', String(nonce));
  await page.click('#consent-form button[type="submit"]');
  await page.waitForSelector('#consent-sign');
  await page.click('#consent-sign');
  await page.waitForSelector('#consent-status');
  assert.equal(await page.$eval('#consent-status', (el) => el.dataset.status), 'Valid');
  return JSON.parse(await page.$eval('#consent-file', (el) => el.textContent));
}

/** Reloads the owner screen for `pair` and waits for its list. */
async function ownerScreen(pair) {
  await open('#/owner');
  await choose(pair);
  await page.waitForSelector('#node-count');
}

before(async () => {
  await ready();
  chain = await startChain({ port: PORT });
  api = chain.api;
  keyring = new Keyring({ type: 'sr25519' });
  pairs = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'].map((name) => keyring.addFromUri(`//${name}`, { name }));
  pairs.push(keyring.addFromUri('//console//penniless', { name: 'Penniless' }));
  const started = Date.now();
  const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  registry = await populate(api, { keyring, sudo: pairs[0], count: NODES, nodeType: 'GpuMiner', log });
  console.log(`populated ${NODES} nodes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  site = await serveConsole();
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.accept(); });
  wallet = await injectWallet(page, api, pairs);
  shots = screenshotDir();
});

after(async () => {
  await browser?.close();
  site?.server.close();
  await api?.disconnect();
  chain?.child.kill('SIGTERM');
});

const [ALICE, BOB, CHARLIE, DAVE, EVE, PENNILESS] = [0, 1, 2, 3, 4, 5];

describe('the explorer', () => {
  it(`lists the ${NODES} nodes as the chain does: pages, statuses, records verified in the browser, liveness`, async () => {
    await open('#/explorer?by=type&value=GpuMiner&limit=100');
    const shown = await explorerPages();
    const answer = await chainPages((q) => nodesByType(api, 'GpuMiner', q));
    assert.equal(shown.length, NODES);
    assert.deepEqual(shown, answer);
    assert.ok(shown.every((n) => n.check === 'verified'), 'every record verified');
    const statuses = new Set(shown.map((n) => n.status));
    assert.ok(statuses.has('Online') && statuses.has('Offline'), `mixed liveness: ${[...statuses]}`);
    for (const node of shown) assert.equal(node.status === 'Online', registry.beating.has(node.id), node.id);
    const counts = await nodeCounts(api);
    const shownCount = (table, key) => page.$eval(`[data-counts="${table}"] tr[data-key="${key}"] td.num`, (td) => Number(td.textContent));
    assert.equal(await shownCount('type', 'GpuMiner'), counts.byType.GpuMiner);
    for (const status of ['Online', 'Offline']) assert.equal(await shownCount('status', status), counts.byStatus[status]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('explorer');
  });

  it('lists by capability and by status with the page size chosen', async () => {
    await open(`#/explorer?by=capability&value=${encodeURIComponent(CAPABILITIES[1])}&limit=25`);
    assert.deepEqual(await explorerPages(), await chainPages((q) => nodesByCapability(api, CAPABILITIES[1], q)));
    assert.equal(await page.$$eval('#results tr[data-node]', (trs) => trs.length) <= 25, true);
    await shot('explorer-capability');
    await open('#/explorer?by=status&value=Offline&limit=50');
    assert.deepEqual(await explorerPages(), await chainPages((q) => nodesByStatus(api, 'Offline', q)));
  });

  it('shows one node by PeerId, and follows new blocks without a reload', async () => {
    const id = [...registry.beating][0];
    await open(`#/node/${id}`);
    await page.waitForSelector('#node tr[data-node]');
    assert.deepEqual((await rows()).map((r) => [r.id, r.status, r.check]), [[id, 'Online', 'verified']]);
    await shot('node');
    await open('#/node/12D3KooWnotapeerid');
    await page.waitForFunction(() => /is not a PeerId|No node/.test(document.getElementById('node').textContent));

    await open('#/explorer?by=type&value=GpuMiner&limit=10');
    await page.waitForSelector('#total');
    const before = await page.$eval('#total', (el) => el.textContent);
    const key = nodeKey();
    await send(api, api.tx.sudo.sudo(api.tx.registration.forceRegisterColdkeyNode(
      keyring.addFromUri('//console//live').address, 'GpuMiner', key.base58Hex,
    )), pairs[ALICE]);
    await page.waitForFunction((text) => document.getElementById('total').textContent !== text, { timeout: 30_000 }, before);
    assert.equal(await page.$eval('#total', (el) => el.textContent), `${NODES + 1} nodes registered`);
  });
});

describe('the wallet', () => {
  it('connects through the extension interface and lists its accounts', async () => {
    await open('#/owner');
    await choose(pairs[BOB]);
    const options = await page.$$eval('#account option', (os) => os.map((o) => o.value));
    assert.deepEqual(options, pairs.map((p) => p.address));
    await page.waitForSelector('#node-count');
    await shot('owner-empty');
  });
});

describe('owner flows', () => {
  const bobNode = nodeKey();
  const bobSecond = nodeKey();

  it('registers a node: the host signs the challenge, the page checks it and submits with the fee capped', async () => {
    await open('#/register');
    await choose(pairs[BOB]);
    const command = await prepareRegistration(bobNode);
    assert.match(command, /^registrar sign --node-key-file NODE_KEY_FILE/);
    assert.match(await page.$eval('#register-sign', (el) => el.textContent), /registration fee .* UNIT/);
    // Output for another challenge (another nonce) is refused before anything is submitted.
    const other = runSign(command.replace(/--nonce 0x[0-9a-f]+/, `--nonce 0x${'11'.repeat(32)}`), bobNode);
    await setField(page, '#signed', other);
    await page.waitForSelector('#sign-check [data-check="failed"]');
    assert.match(await page.$eval('#sign-check', (el) => el.textContent), /not the one prepared here/);
    assert.equal(await page.$eval('#register-submit', (b) => b.disabled), true);

    await setField(page, '#signed', runSign(command, bobNode));
    await page.waitForSelector('#sign-check [data-check="verified"]');
    await shot('register');
    await quiet();
    await page.click('#register-submit');
    const notice = await noticeMatching(page, /done, registration\.MainNodeRegistered|failed|refused/);
    assert.match(notice, /done, registration\.MainNodeRegistered in block #\d+/);
    const info = await nodeById(api, bobNode.base58);
    assert.equal(info.owner.toString(), pairs[BOB].address);
    // The page used the price-protected call.
    const block = await api.rpc.chain.getBlock();
    assert.ok(block.block.extrinsics.some((x) => x.method.section === 'registration' && x.method.method === 'registerNodeWithMaxFee'));
    await shot('register-done');
  });

  it('shows the owner\'s fleet, offers a node, cancels, offers again; the new owner accepts, then unregisters it', async () => {
    await send(api, api.tx.sudo.sudo(api.tx.registration.forceRegisterColdkeyNode(pairs[BOB].address, 'StorageMiner', bobSecond.base58Hex)), pairs[ALICE]);
    await ownerScreen(pairs[BOB]);
    const max = api.consts.registration.maxNodesPerOwner.toNumber();
    assert.equal(await page.$eval('#node-count', (el) => el.textContent), `2 of at most ${max} nodes.`);
    assert.deepEqual(new Set((await rows()).map((r) => r.id)), new Set([bobNode.base58, bobSecond.base58]));
    assert.match(await page.$eval('#my-nodes .costs', (el) => el.textContent), /each action here costs a transaction fee of about [0-9.]+ UNIT/);
    await shot('owner-fleet');

    const row = `#my-nodes tr[data-node="${bobNode.base58}"]`;
    await setField(page, `${row} [name="new-owner"]`, pairs[DAVE].address);
    await quiet();
    await page.click(`${row} [data-action="offer"]`);
    assert.match(await noticeMatching(page, /NodeOwnershipOffered|failed|refused/), /done, registration\.NodeOwnershipOffered/);
    assert.equal((await api.query.registration.nodeOwnershipOffers(bobNode.base58)).unwrap().newOwner.toString(), pairs[DAVE].address);
    await page.waitForSelector(`${row} [data-action="cancel-offer"]`);
    await quiet();
    await page.click(`${row} [data-action="cancel-offer"]`);
    assert.match(await noticeMatching(page, /NodeOwnershipOfferCancelled|failed|refused/), /done, registration\.NodeOwnershipOfferCancelled/);
    assert.ok((await api.query.registration.nodeOwnershipOffers(bobNode.base58)).isNone);

    await page.waitForFunction((sel) => !document.querySelector(`${sel} [data-action="cancel-offer"]`), {}, row);
    await setField(page, `${row} [name="new-owner"]`, pairs[DAVE].address);
    await quiet();
    await page.click(`${row} [data-action="offer"]`);
    await noticeMatching(page, /done, registration\.NodeOwnershipOffered/);

    await ownerScreen(pairs[DAVE]);
    await setField(page, '#accept-form [name="id"]', bobNode.base58);
    await quiet();
    await page.click('#accept-form button[type="submit"]');
    assert.match(await noticeMatching(page, /NodeOwnerSwapped|failed|refused/), /done, registration\.NodeOwnerSwapped/);
    assert.match(dialogs.at(-1), new RegExp(`^Accept node ${bobNode.base58} from ${pairs[BOB].address}\\? It costs .*a transaction fee of about [0-9.]+ UNIT`));
    assert.equal((await nodeById(api, bobNode.base58)).owner.toString(), pairs[DAVE].address);
    await page.waitForSelector(`#my-nodes tr[data-node="${bobNode.base58}"]`);
    await shot('owner-accepted');

    // An online storage miner is degraded first, then removed.
    const unregister = async () => {
      await quiet();
      await page.click(`#my-nodes tr[data-node="${bobNode.base58}"] [data-action="unregister"]`);
      return noticeMatching(page, /done|failed|refused/);
    };
    assert.match(await unregister(), /Degrading the node: done, registration\.NodeStatusUpdated .*Degraded/);
    assert.match(dialogs.at(-1), /^Mark .* Degraded, the first step of unregistering .* It costs a transaction fee of about/);
    assert.equal((await nodeById(api, bobNode.base58)).status.type, 'Degraded');
    await page.waitForSelector(`#my-nodes tr[data-node="${bobNode.base58}"] [data-status="Degraded"]`);
    assert.match(await unregister(), /Unregistering the node: done, registration\.NodeUnregistered/);
    assert.equal(await nodeById(api, bobNode.base58), null);
  });

  it('makes a consent the wallet signs, checked on chain, in a file the registrar takes and the chain accepts', async () => {
    const key = nodeKey();
    await open('#/consent');
    await choose(pairs[CHARLIE]);
    const file = await consentThroughPage(key);
    await shot('consent');
    assert.equal(file.kind, 'registrar-owner-consent');
    assert.equal(file.consent.owner, pairs[CHARLIE].address);
    assert.equal(file.consent.peer_id, key.base58);
    assert.equal(file.signature.signed_message, 'wrapped');
    if (process.env.REGISTRAR_BIN) {
      const consentPath = path.join(tmp, 'consent.json');
      writeFileSync(consentPath, JSON.stringify(file));
      const out = execFileSync(process.env.REGISTRAR_BIN, ['consent', '--consent-file', consentPath, '--endpoint', chain.endpoint], { encoding: 'utf8' });
      assert.match(out, /valid|Valid/);
    }
    // A submitter (Eve) registers the node with it; the owner is Charlie.
    const signed = {
      consent: { owner: decodeAddress(file.consent.owner), nodeType: file.consent.node_type },
      bytes: hexToU8a(file.payload),
      signature: { Sr25519: file.signature.signature },
    };
    const { events, error } = await send(api, consentRegisterCall(api, await consentRegistrationArgs(api, { signed, key })), pairs[EVE]);
    assert.equal(error, null);
    assert.equal(findEvent(events, 'registration.MainNodeRegistered').data.owner.toString(), pairs[CHARLIE].address);
  });

  it('revokes a consent from its file, and every consent below a nonce', async () => {
    const file = await consentThroughPage(nodeKey(), { nonce: 1000 });
    const bytes = hexToU8a(file.payload);
    const signature = { Sr25519: file.signature.signature };
    await ownerScreen(pairs[CHARLIE]);
    await setField(page, '#revoke-form [name="file"]', JSON.stringify(file));
    await quiet();
    await page.click('#revoke-form button[type="submit"]');
    assert.match(await noticeMatching(page, /ConsentRevoked|failed|refused/), /done, registration\.ConsentRevoked/);
    assert.equal(await consentStatus(api, bytes, signature), 'Revoked');

    const later = await signedConsent(api, { owner: pairs[CHARLIE], key: nodeKey(), maxFee: 10n * UNIT, nonce: 2000n });
    assert.equal(await consentStatus(api, later.bytes, later.signature), 'Valid');
    await setField(page, '#floor-form [name="nonce"]', '3000');
    await quiet();
    await page.click('#floor-form button[type="submit"]');
    assert.match(await noticeMatching(page, /ConsentsRevokedBelow|failed|refused/), /done, registration\.ConsentsRevokedBelow/);
    assert.equal(await consentStatus(api, later.bytes, later.signature), 'Revoked');
    await shot('owner-revoked');
  });
});

describe('errors, said plainly', () => {
  it('a refusal in the block: by name, with what to do', async () => {
    const key = nodeKey();
    await send(api, api.tx.sudo.sudo(api.tx.registration.forceRegisterColdkeyNode(pairs[DAVE].address, 'StorageMiner', key.base58Hex)), pairs[ALICE]);
    await open('#/register');
    await choose(pairs[EVE]);
    const command = await prepareRegistration(key);
    await setField(page, '#signed', runSign(command, key));
    await page.waitForSelector('#sign-check [data-check="verified"]');
    await quiet();
    await page.click('#register-submit');
    const notice = await noticeMatching(page, /failed in block|refused|done/);
    assert.match(notice, /failed in block #\d+: registration\.NodeAlreadyRegistered: .*What to do: /);
    assert.doesNotMatch(notice, /0x[0-9a-f]{8}/, 'no raw hex error');
    await shot('error-dispatch');
  });

  it('a refusal by the pool (the account cannot pay): by name, with what to do', async () => {
    await ownerScreen(pairs[PENNILESS]);
    await setField(page, '#floor-form [name="nonce"]', '5');
    await quiet();
    await page.click('#floor-form button[type="submit"]');
    const notice = await noticeMatching(page, /refused before any block|failed|done/);
    assert.match(notice, /refused before any block: Invalid\.Payment: .*What to do: the signer cannot pay the transaction fee: fund it/);
    await shot('error-pool');
  });

  it('the wallet declining: nothing is submitted', async () => {
    await ownerScreen(pairs[CHARLIE]);
    const nonceBefore = (await api.rpc.system.accountNextIndex(pairs[CHARLIE].address)).toNumber();
    wallet.refuse = true;
    try {
      await setField(page, '#floor-form [name="nonce"]', '4000');
      await quiet();
      await page.click('#floor-form button[type="submit"]');
      assert.match(await noticeMatching(page, /did not sign|failed|done/), /the wallet did not sign it; nothing was submitted/);
    } finally {
      wallet.refuse = false;
    }
    assert.equal((await api.rpc.system.accountNextIndex(pairs[CHARLIE].address)).toNumber(), nonceBefore);
  });

  it('bad input: a PeerId that is not one, a signature pasted that is not JSON', async () => {
    await open('#/register');
    await choose(pairs[BOB]);
    await setField(page, '#register-form [name="peer"]', 'QmNotAnEd25519Key');
    await quiet();
    await page.click('#register-form button[type="submit"]');
    assert.match(await noticeMatching(page, /PeerId/), /is not the PeerId of an Ed25519 node key/);
    await prepareRegistration(nodeKey());
    await setField(page, '#signed', 'signature: 0x1234');
    assert.match(await page.$eval('#sign-check', (el) => el.textContent), /paste the whole output of registrar sign/);
  });

  it('a dead endpoint and a wrong chain are said plainly', async () => {
    const dead = `ws://127.0.0.1:${await freePort()}`;
    await page.goto(`${site.url}?rpc=${encodeURIComponent(dead)}#/explorer`);
    assert.match(await noticeMatching(page, /cannot reach/), new RegExp(`cannot reach the chain at ${dead}.*is the node running`));
    await shot('error-unreachable');
    await open('#/explorer', { genesis: `0x${'11'.repeat(32)}`, expectFailure: true });
    assert.match(await noticeMatching(page, /not the expected one/), /its genesis hash is 0x[0-9a-f]{64}, not 0x1111/);
  });
});
