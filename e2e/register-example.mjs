// Registers a fresh node for //Alice (or OWNER_URI) on a running local chain and prints what it
// sent: `node e2e/register-example.mjs [ws://127.0.0.1:8000]`.
import { u8aToHex } from '@polkadot/util';
import { connect } from './lib/chain.mjs';
import { nodeKey, ready, registerCall, registrationArgs, send } from './lib/registration.mjs';

const endpoint = process.argv[2] ?? 'ws://127.0.0.1:8000';
const keyring = await ready();
const owner = keyring.addFromUri(process.env.OWNER_URI ?? '//Alice');
const api = await connect(endpoint);
const key = nodeKey();
const args = await registrationArgs(api, { owner, key, nodeType: process.env.NODE_TYPE ?? 'StorageMiner' });
console.log(JSON.stringify({
  peerId: key.base58,
  nodeSecretSeed: '(random, not printed)',
  call: 'registration.registerNodeWithColdkey',
  params: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v instanceof Uint8Array ? u8aToHex(v) : v])),
}, null, 2));
const { error, events } = await send(api, registerCall(api, args), owner);
console.log(error ? `failed: ${error}` : `registered: ${events.filter((e) => e.section === 'registration').map((e) => e.method).join(', ')}`);
await api.disconnect();
process.exit(error ? 1 : 0);
