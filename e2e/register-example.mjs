// Registers a node for //Alice (or OWNER_URI) on a running local chain, the owner's way
// (`register_node_with_coldkey`), and prints what it sent:
//
//   node e2e/register-example.mjs [ws://127.0.0.1:9944]
//
// The node key is kept in NODE_KEY_FILE (default ./node-key, the Substrate node-key format: 64 hex
// characters): made there when missing, read when present, so that `registrar run --node-key-file
// node-key` can keep the node registered and online afterwards. Nothing is paid when the chain
// would refuse: the owner's count of nodes (`owner_node_count`, against `MaxNodesPerOwner`: one
// in the reference's rules, a fleet otherwise) and this node (`node_by_id`) are read first.
// NODE_TYPE picks the node type (default StorageMiner).
//
// Exit codes, as the registrar's: 0 registered (or already), 1 an error (an unreachable chain),
// 3 a conflict (the owner has all the nodes it may, or the node is someone else's), 5 refused by the chain.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { u8aToHex, u8aToString } from '@polkadot/util';
import {
  connect, describeError, nodeById, nodeKey, nodeOfOwner, ownerNodeCount, ready, registerCall, registrationArgs, send,
} from '../js/client/index.mjs';

const endpoint = process.argv[2] ?? process.env.REGISTRAR_ENDPOINT ?? 'ws://127.0.0.1:9944';
const keyFile = process.env.NODE_KEY_FILE ?? 'node-key';
const nodeType = process.env.NODE_TYPE ?? 'StorageMiner';

/** Says `message` in one line on stderr and exits with `code`. */
function fail(message, code = 1) {
  console.error(`error: ${message}`);
  process.exit(code);
}

/** The node key of `keyFile` (its seed as hex), or a new one to be saved there. */
function loadOrMakeKey() {
  if (existsSync(keyFile)) {
    const hex = readFileSync(keyFile, 'utf8').trim().replace(/^0x/, '');
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) fail(`${keyFile} is not a node key (64 hex characters)`);
    return { key: nodeKey(Uint8Array.from(Buffer.from(hex, 'hex'))), hex, made: false };
  }
  const seed = randomBytes(32);
  return { key: nodeKey(Uint8Array.from(seed)), hex: seed.toString('hex'), made: true };
}

const keyring = await ready();
const owner = keyring.addFromUri(process.env.OWNER_URI ?? '//Alice');
let api;
try {
  api = await connect(endpoint);
} catch (error) {
  // The client says what failed (`cannot reach the chain at …`, not a websocket URL); this adds where to go.
  const hint = error.code === 'UNREACHABLE' ? ' `scripts/chain.sh` starts a local chain; give another endpoint as the first argument' : '';
  fail(`${error.message}${hint}`);
}
const { key, hex, made } = loadOrMakeKey();
const ownersNodes = await ownerNodeCount(api, owner.address);
const maxNodes = api.consts.registration.maxNodesPerOwner.toNumber();
const thisNode = await nodeById(api, key.base58Bytes);
const nodeId = (info) => u8aToString(info.nodeId);
if (thisNode && thisNode.owner.toString() === owner.address) {
  console.log(`already registered: ${key.base58} is ${owner.address}'s node (key in ${keyFile})`);
  await api.disconnect();
  process.exit(0);
}
if (thisNode) fail(`node ${key.base58} is registered to another owner (${thisNode.owner}); nothing was paid`, 3);
if (ownersNodes >= maxNodes) {
  const main = await nodeOfOwner(api, owner.address);
  fail(`owner ${owner.address} has ${ownersNodes} node(s), as many as the chain allows (MaxNodesPerOwner ${maxNodes}; `
    + `its main node ${main ? nodeId(main) : 'none'}): move one to this key with \`registrar rotate\`, or unregister `
    + `one first (registration.unregisterNode); nothing was paid`, 3);
}
// Saved before paying: a registered node whose key is lost can only be rotated away or removed.
if (made) writeFileSync(keyFile, `${hex}\n`, { mode: 0o600 });

const args = await registrationArgs(api, { owner, key, nodeType });
console.log(JSON.stringify({
  peerId: key.base58,
  nodeKeyFile: keyFile,
  call: 'registration.registerNodeWithColdkey',
  params: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v instanceof Uint8Array ? u8aToHex(v) : v])),
}, null, 2));
const { dispatchError, events } = await send(api, registerCall(api, args), owner);
const refusal = dispatchError ? describeError(api, dispatchError) : null;
await api.disconnect();
if (refusal) fail(`the chain refused the registration: ${refusal}`, 5);
console.log(`registered: ${events.filter((e) => e.section === 'registration').map((e) => e.method).join(', ')}`);
const typeFlag = nodeType.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
console.log(`keep it registered and online: registrar run --node-key-file ${keyFile} `
  + `--owner-secret-file <a file holding the owner's secret URI> --node-type ${typeFlag} --state-dir <a directory>`);
process.exit(0);
