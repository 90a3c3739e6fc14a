// The contract's vectors (spec/vectors.json), computed again by this JS client: no chain needed.
// The pallet's and the registrar's tests read the same file, so the three clients of the format
// agree byte for byte on the challenge, the record and heartbeat statements and multiaddrs; the
// record and heartbeat signatures also pass the client's own checks (verifyRecord,
// verifyHeartbeat).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, ed25519Sign } from '@polkadot/util-crypto';
import {
  challengeBytes, heartbeatStatementBytes, multiaddr, multiaddrText, nodeKey, ready, recordBytes,
  recordStatementBytes, verifyHeartbeat, verifyRecord,
} from '@registration/client';

const v = JSON.parse(readFileSync(new URL('../../../spec/vectors.json', import.meta.url), 'utf8'));
const d = v.discovery;
const hex = (text) => Uint8Array.from(Buffer.from(text, 'hex'));
/** A record's fields in bytes, as a `NodeView` carries them. */
const recordBytesFields = ({ seq, addresses, version, capabilities }) => ({
  seq, addresses: addresses.map(multiaddr), version: new TextEncoder().encode(version),
  capabilities: capabilities.map((c) => new TextEncoder().encode(c)),
});

describe('the challenge vectors (spec/vectors.json)', () => {
  for (const vector of v.cases) {
    it(`builds the contract's vector bytes and signature from the same fields (${vector.block_number_type} blocks)`, async () => {
      const keyring = await ready();
      const node = nodeKey(hex(v.node_seed));
      assert.equal(u8aToHex(node.raw), `0x${v.node_id_hex}`);
      assert.equal(node.base58, v.peer_id_base58);
      assert.equal(keyring.addFromUri('//Alice').address, v.owner_ss58);
      const bytes = challengeBytes({
        genesisHash: hex(v.genesis_hash),
        owner: hex(v.owner_account),
        nodeIdHex: node.raw,
        blockNumber: v.block_number,
        expiresAt: v.expires_at,
        nonce: hex(v.nonce),
        blockNumberBytes: { u64: 8, u32: 4 }[vector.block_number_type],
      });
      assert.equal(bytes.length, Number(vector.length));
      assert.equal(u8aToHex(bytes), `0x${vector.challenge_bytes}`);
      assert.equal(u8aToHex(blake2AsU8a(bytes)), `0x${vector.challenge_hash}`);
      assert.equal(u8aToHex(ed25519Sign(bytes, node.pair)), `0x${vector.signature}`);
    });
  }

  it('refuses fields of the wrong size instead of encoding them', () => {
    const fields = {
      genesisHash: hex(v.genesis_hash), owner: hex(v.owner_account), nodeIdHex: hex(v.node_id_hex), blockNumber: 1,
      expiresAt: 2, nonce: hex(v.nonce),
    };
    assert.throws(() => challengeBytes({ ...fields, owner: new Uint8Array(31) }), /owner: 32 bytes expected, got 31/);
    assert.throws(() => challengeBytes({ ...fields, nonce: new Uint8Array(8) }), /nonce: 32 bytes expected/);
    assert.throws(() => challengeBytes({ ...fields, expiresAt: 2 ** 32, blockNumberBytes: 4 }), /does not fit in 4 bytes/);
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
    // The same record as the chain returns it (`NodeView`, in plain values) passes the check.
    const view = {
      info: { nodeId: key.base58Bytes, registeredAt: d.registered_at },
      keyEpoch: d.key_epoch,
      record: { record: recordBytesFields(record), signature: hex(d.record_signature), publishedAt: 5 },
    };
    const verified = verifyRecord(view, { nodeId: key.base58, genesisHash: hex(v.genesis_hash) });
    assert.deepEqual(verified.addresses, d.record.addresses.map((text) => d.multiaddrs.find((m) => m.text === text)?.shown ?? text));
    assert.equal(verified.seq, BigInt(d.record.seq));
  });

  it('heartbeat statements and their signatures', async () => {
    await ready();
    const key = nodeKey(hex(v.node_seed));
    for (const { period, version, statement, signature } of d.heartbeats) {
      const bytes = heartbeatStatementBytes({ genesisHash: hex(v.genesis_hash), peerId: key.raw, period, version });
      assert.equal(u8aToHex(bytes), `0x${statement}`, `period ${period}`);
      if (!signature) continue;
      assert.equal(u8aToHex(ed25519Sign(bytes, key.pair)), `0x${signature}`);
      assert.ok(verifyHeartbeat({ nodeId: key.base58, genesisHash: hex(v.genesis_hash), period, version, signature: hex(signature) }));
      assert.ok(!verifyHeartbeat({ nodeId: key.raw, genesisHash: hex(v.genesis_hash), period: period + 1, version, signature: hex(signature) }));
    }
  });
});
