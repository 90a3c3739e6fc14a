// The contract's vectors (spec/vectors.json), computed again by this JS client: no chain needed.
// The pallet's and the registrar's tests read the same file, so the three clients of the format
// agree byte for byte on the challenge, the record and heartbeat statements and multiaddrs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, ed25519Sign } from '@polkadot/util-crypto';
import {
  challengeBytes, heartbeatStatementBytes, multiaddr, multiaddrText, nodeKey, ready, recordBytes, recordStatementBytes,
} from '@registration/client';

const v = JSON.parse(readFileSync(new URL('../../../spec/vectors.json', import.meta.url), 'utf8'));
const d = v.discovery;
const hex = (text) => Uint8Array.from(Buffer.from(text, 'hex'));

describe('the challenge vectors (spec/vectors.json)', () => {
  it('builds the contract\'s vector bytes and signature from the same fields', async () => {
    const keyring = await ready();
    const vector = v.cases.find((c) => c.block_number_type === 'u64');
    const node = nodeKey(hex(v.node_seed));
    assert.equal(u8aToHex(node.raw), `0x${v.node_id_hex}`);
    assert.equal(keyring.addFromUri('//Alice').address, v.owner_ss58);
    const bytes = challengeBytes({
      genesisHash: hex(v.genesis_hash),
      owner: hex(v.owner_account),
      nodeIdHex: node.raw,
      blockNumber: v.block_number,
      expiresAt: v.expires_at,
      nonce: hex(v.nonce),
    });
    assert.equal(bytes.length, Number(vector.length));
    assert.equal(u8aToHex(bytes), `0x${vector.challenge_bytes}`);
    assert.equal(u8aToHex(blake2AsU8a(bytes)), `0x${vector.challenge_hash}`);
    assert.equal(u8aToHex(ed25519Sign(bytes, node.pair)), `0x${vector.signature}`);
  });
});

describe('discovery vectors (spec/vectors.json)', () => {
  it('multiaddrs: text to bytes and back', () => {
    assert.ok(d.multiaddrs.length >= 7);
    for (const { text, bytes, shown } of d.multiaddrs) {
      assert.equal(u8aToHex(multiaddr(text)), `0x${bytes}`, text);
      assert.equal(multiaddrText(hex(bytes)), shown, text);
    }
  });

  it('the record, its statement and its signature', async () => {
    await ready();
    const key = nodeKey(hex(v.node_seed));
    assert.equal(key.base58, v.peer_id_base58);
    const record = { ...d.record, seq: BigInt(d.record.seq) };
    assert.equal(u8aToHex(recordBytes(record)), `0x${d.record_bytes}`);
    const statement = recordStatementBytes({
      genesisHash: hex(v.genesis_hash), peerId: key.raw, registeredAt: d.registered_at, keyEpoch: d.key_epoch, record,
    });
    assert.equal(u8aToHex(statement), `0x${d.record_statement}`);
    assert.equal(u8aToHex(ed25519Sign(statement, key.pair)), `0x${d.record_signature}`);
  });

  it('heartbeat statements and their signatures', async () => {
    await ready();
    const key = nodeKey(hex(v.node_seed));
    for (const { period, version, statement, signature } of d.heartbeats) {
      const bytes = heartbeatStatementBytes({ genesisHash: hex(v.genesis_hash), peerId: key.raw, period, version });
      assert.equal(u8aToHex(bytes), `0x${statement}`, `period ${period}`);
      if (signature) assert.equal(u8aToHex(ed25519Sign(bytes, key.pair)), `0x${signature}`);
    }
  });
});
