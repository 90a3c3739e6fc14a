// verifyRecord without a chain: a record signed here, as a NodeView in plain values (the shape
// the chain's NodeView has), passes; any field the RPC could change, another node, another
// chain, another registration or key epoch, or a missing record fails.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringToU8a } from '@polkadot/util';
import { ed25519Sign } from '@polkadot/util-crypto';
import { multiaddr, nodeKey, recordStatementBytes, verifyRecord, viewNodeId } from '@registration/client';

const genesisHash = new Uint8Array(32).fill(0x45);
const key = nodeKey(new Uint8Array(32).fill(7));
const record = {
  seq: 3n, addresses: [multiaddr('/ip4/10.0.0.1/tcp/30333'), multiaddr(`/dns4/node.example/tcp/443/ws/p2p/${key.base58}`)],
  version: stringToU8a('node/1.0'), capabilities: [stringToU8a('storage/v1')],
};

/** A NodeView of `key`'s node whose record is signed for `statement` (registered at 40, epoch 1). */
function view({ statement = {}, signer = key.pair, changes = {} } = {}) {
  const bytes = recordStatementBytes({ genesisHash, peerId: key.raw, registeredAt: 40, keyEpoch: 1, record, ...statement });
  return {
    info: { nodeId: key.base58Bytes, registeredAt: 40n },
    keyEpoch: 1,
    record: { record: { ...record, ...changes }, signature: ed25519Sign(bytes, signer), publishedAt: 41 },
  };
}

describe('verifyRecord', () => {
  it('returns the record, addresses as text, when the node key signed it for this chain', () => {
    assert.deepEqual(verifyRecord(view(), { nodeId: key.base58, genesisHash }), {
      seq: 3n,
      addresses: ['/ip4/10.0.0.1/tcp/30333', `/dns4/node.example/tcp/443/ws/p2p/${key.base58}`],
      version: 'node/1.0',
      capabilities: ['storage/v1'],
      publishedAt: 41,
    });
    assert.equal(verifyRecord(view(), { nodeId: key.raw, genesisHash }).seq, 3n, 'the raw PeerId names the node too');
    assert.equal(viewNodeId(view()), key.base58);
  });

  it('refuses a record changed on the way', () => {
    const changed = [{ seq: 4n }, { addresses: [multiaddr('/ip4/10.0.0.2/tcp/30333')] }, { version: stringToU8a('node/1.1') },
      { capabilities: [] }];
    for (const changes of changed) {
      assert.throws(() => verifyRecord(view({ changes }), { nodeId: key.base58, genesisHash }), /not signed by its key/);
    }
  });

  it('refuses a record signed for another chain, registration or key epoch, or by another key', () => {
    const other = nodeKey();
    for (const options of [
      { statement: { genesisHash: new Uint8Array(32).fill(1) } }, { statement: { registeredAt: 39 } },
      { statement: { keyEpoch: 0 } }, { signer: other.pair },
    ]) {
      assert.throws(() => verifyRecord(view(options), { nodeId: key.base58, genesisHash }), /not signed by its key/);
    }
  });

  it('refuses another node than the one asked for, and a node without a record', () => {
    assert.throws(() => verifyRecord(view(), { nodeId: nodeKey().base58, genesisHash }), /asked for 12D3KooW\w+, got 12D3KooW/);
    assert.throws(() => verifyRecord({ ...view(), record: null }, { nodeId: key.base58, genesisHash }), /no record/);
    assert.throws(() => verifyRecord({ ...view(), record: { isNone: true } }, { nodeId: key.base58, genesisHash }), /no record/);
    assert.throws(() => verifyRecord(view(), { nodeId: 'not-a-peer-id', genesisHash }), /asked for not-a-peer-id/);
  });
});
