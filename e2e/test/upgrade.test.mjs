// End to end: a real runtime upgrade of a chain whose registry is in the reference pallet's
// layout (storage version 0). The dev chain starts, its registry is replaced through chopsticks'
// storage override by a reference-layout state (nodes in both id forms, duplicates, an owner
// with several nodes, fees, disabled types, bans, used challenges, cooldown anchors, reports,
// legacy items, malformed entries, no storage version), sudo sets the code of the same runtime
// with spec_version 2 (`chain-spec --next-spec-wasm`), and blocks are built until
// pallet-migrations has run `LazyMigrationToV3` to its end. Then @polkadot/api checks what the
// migration kept, moved and dropped, that a challenge used before the upgrade is refused, and
// the reference chain's Python SDK registers a new node.
//
// chopsticks builds blocks with the runtime's own block builder API (`Core_initialize_block`,
// inherents, `BlockBuilder_finalize_block`): `Executive::finalize_block` runs the migration's
// step after the inherents as a node's block builder does, so multi-block migrations advance in
// every block it builds. It ignores `initialize_block`'s answer that a block may hold only
// inherents while a migration runs (a node would hold transactions back); this test sends none
// until the migration is over.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { hexToU8a, u8aConcat, u8aToHex, u8aToString, stringToU8a } from '@polkadot/util';
import { blake2AsU8a, mnemonicGenerate, randomAsU8a } from '@polkadot/util-crypto';
import {
  dryRun, nodeKey, palletAccount, ready, registerCall, registrationArgs, send,
} from '../../js/client/index.mjs';
import { UNIT, newBlocks, root, startChain } from '../lib/chain.mjs';
import {
  NODE_TYPES, RawStorage, bool, bytes, itemKey, nodeInfo, palletPrefix, storageVersionKey, u128, u32, u64,
  variant, vec,
} from '../lib/reference-layout.mjs';

// Its own chain: on a free port, or E2E_PORT + 3, or E2E_UPGRADE_PORT.
const PORT = Number(process.env.E2E_UPGRADE_PORT ?? (process.env.E2E_PORT ? Number(process.env.E2E_PORT) + 3 : 0));
const NEXT_SPEC_WASM = process.env.REGISTRATION_NEXT_SPEC_WASM
  ?? path.join(root, 'target', 'registration-dev-next-spec.wasm');
const HIPPIUS_VENV = process.env.HIPPIUS_VENV
  ?? path.join(os.homedir(), '.cache', 'pallet-registration-hippius-venv');
const SDK_SCRIPT = path.join(root, 'e2e', 'python', 'register_with_sdk.py');

/** Nodes besides the named ones, so that the migration takes several blocks (three). */
const FILLER_NODES = 600;
/** The dev runtime's `MinNodeTypeFee`. */
const MIN_FEE = UNIT / 100n;

let chain;
let api;
let keyring;
let alice;

async function funded(name, amount = 100n * UNIT) {
  const account = keyring.addFromUri(`//upgrade//${process.pid}//${name}`);
  const { error } = await send(api, api.tx.balances.transferKeepAlive(account.address, amount), alice);
  assert.equal(error, null);
  return account;
}

/** An account id nobody signs for (owners of the reference state's nodes). */
const account = (name) => blake2AsU8a(stringToU8a(`upgrade-owner-${name}`), 256);

/** A node key from a name, so that runs are reproducible. */
const namedKey = (name) => nodeKey(blake2AsU8a(stringToU8a(`upgrade-node-${name}`), 256));

const nodeOf = (key) => api.query.registration.coldkeyNodeRegistrationV2(key.base58Hex);

/** The events of the best block, as `section.method` with their data. */
async function headEvents() {
  const hash = await api.rpc.chain.getBlockHash();
  const number = (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const records = await api.query.system.events.at(hash);
  return { number, events: records.map(({ event }) => event) };
}

/** An event's fields by name (`{ nodeId, owner, reason }`). */
const fields = (event) => Object.fromEntries(event.data.names.map((name, i) => [name, event.data[i].toJSON()]));

/** The keys under `prefix` in the best block. */
async function keysUnder(prefix) {
  return api.rpc.state.getKeysPaged(u8aToHex(prefix), 1000);
}

/** The pallet's stored storage version (0 when none is stored, as in the reference). */
async function storageVersion() {
  const raw = await api.rpc.state.getStorage(u8aToHex(storageVersionKey));
  return raw.isSome ? api.createType('u16', raw.unwrap()).toNumber() : 0;
}

before(async () => {
  assert.ok(
    existsSync(NEXT_SPEC_WASM),
    `${NEXT_SPEC_WASM} is missing: target/debug/chain-spec --next-spec-wasm writes it (scripts/test.sh does)`,
  );
  assert.ok(
    existsSync(path.join(HIPPIUS_VENV, 'bin', 'python')),
    `no Python SDK in ${HIPPIUS_VENV}: run scripts/setup-python-sdk.sh`,
  );
  keyring = await ready();
  alice = keyring.addFromUri('//Alice');
  chain = await startChain({ port: PORT });
  api = chain.api;
});

after(async () => {
  await chain?.stop();
});

describe('runtime upgrade from the reference layout', () => {
  // Node keys and owners of the reference state (the first test says what each stands for).
  const keys = Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'X', 'R', 'Q'].map((n) => [n, namedKey(n)]));
  const owners = Object.fromEntries(['O2', 'O3', 'O4', 'O5', 'O6', 'Unlisted'].map((n) => [n, account(n)]));
  const fillers = Array.from({ length: FILLER_NODES }, (_, i) => ({
    key: namedKey(`filler-${i}`),
    owner: account(`filler-${i}`),
    raw: i % 5 === 0,
    nodeType: ['StorageMiner', 'StorageS3', 'ComputeMiner', 'GpuMiner'][i % 4],
  }));
  let actors;
  let replay;
  let migrationBlocks;
  let events;
  let startBlock;

  it('writes a reference-layout registry in place of the dev chain\'s', async () => {
    actors = {
      o1: await funded('o1'),
      replayOwner: await funded('replay'),
      fresh: await funded('fresh'),
      banned: await funded('banned'),
    };
    startBlock = (await api.rpc.chain.getHeader()).number.toNumber();

    // A challenge signed for `replayOwner` and node R, used on the old chain: its hash is in
    // the reference's UsedChallenges until its last valid block.
    replay = await registrationArgs(api, { owner: actors.replayOwner, key: keys.R, nodeType: 'GpuMiner', lifetime: 90 });
    const replayExpiry = startBlock + 90;

    const state = new RawStorage();
    // Nothing of the dev chain's registry stays, not even its storage version.
    for (const key of await keysUnder(palletPrefix)) state.raw(key, null);

    const node = (key, form, owner, nodeType, status, registeredAt) => {
      const nodeId = form === 'raw' ? key.raw : key.base58Bytes;
      state.map('ColdkeyNodeRegistrationV2', bytes(nodeId), nodeInfo({ nodeId, nodeType, status, registeredAt, owner }));
    };
    const o1 = actors.o1.publicKey;
    node(keys.A, 'base58', o1, 'StorageMiner', 'Online', 1);
    node(keys.B, 'raw', owners.O2, 'GpuMiner', 'Online', 2);
    // C in both forms: the Online entry (raw, O3) stays; the Degraded one (base58, O4) goes.
    node(keys.C, 'raw', owners.O3, 'StorageMiner', 'Online', 5);
    node(keys.C, 'base58', owners.O4, 'StorageMiner', 'Degraded', 1);
    // O5 owns three nodes: the earliest Online one (F, raw) stays.
    node(keys.D, 'base58', owners.O5, 'ComputeMiner', 'Offline', 1);
    node(keys.E, 'base58', owners.O5, 'ComputeMiner', 'Online', 4);
    node(keys.F, 'raw', owners.O5, 'GpuMiner', 'Online', 3);
    // A degraded validator: only storage miners stay degraded.
    node(keys.G, 'base58', owners.O6, 'Validator', 'Degraded', 2);
    // Not a PeerId, and a record that does not decode.
    state.map('ColdkeyNodeRegistrationV2', bytes(stringToU8a('not-a-peer-id')),
      nodeInfo({ nodeId: stringToU8a('not-a-peer-id'), nodeType: 'GpuMiner', status: 'Online', registeredAt: 1, owner: owners.Unlisted }));
    state.map('ColdkeyNodeRegistrationV2', bytes(keys.I.base58Bytes), Uint8Array.of(1, 2, 3));
    for (const filler of fillers) {
      node(filler.key, filler.raw ? 'raw' : 'base58', filler.owner, filler.nodeType, 'Online', 1);
      state.map('Libp2pMainIdentity', bytes(filler.raw ? filler.key.raw : filler.key.base58Bytes),
        u8aConcat(variant(['Ed25519'], 'Ed25519'), bytes(filler.key.publicKey)));
    }

    // The owner index drifts from the registry; identities in both forms, one of a node gone.
    state.map('OwnerToNode', o1, vec([bytes(keys.A.base58Bytes), bytes(stringToU8a('gone'))]));
    state.map('OwnerToNode', owners.O4, vec([bytes(keys.C.base58Bytes)]));
    const identity = (key) => u8aConcat(variant(['Ed25519'], 'Ed25519'), bytes(key.publicKey));
    state.map('Libp2pMainIdentity', bytes(keys.A.base58Bytes), identity(keys.A));
    state.map('Libp2pMainIdentity', bytes(keys.B.raw), identity(keys.B));
    state.map('Libp2pMainIdentity', bytes(keys.X.base58Bytes), identity(keys.X));

    // The replay guard, and a hash already expired.
    state.map('UsedChallenges', blake2AsU8a(replay.challengeBytes, 256), u64(replayExpiry));
    state.map('UsedChallenges', blake2AsU8a(stringToU8a('expired'), 256), u64(1));
    // H left (raw form) in this block: it cools down; the reference's "never" (0) goes.
    state.map('NodeLastDeregisteredAt', bytes(keys.H.raw), u64(startBlock));
    state.map('NodeLastDeregisteredAt', bytes(keys.Q.base58Bytes), u64(0));

    // Fees (one below the floor), the last paid registration, disabled types, bans.
    const type = (name) => variant(NODE_TYPES, name);
    state.map('CurrentNodeTypeFee', type('GpuMiner'), u128(3n * UNIT));
    state.map('CurrentNodeTypeFee', type('ComputeMiner'), u128(0));
    state.map('LastRegistrationBlock', type('GpuMiner'), u64(startBlock));
    state.map('DisabledNodeTypes', type('StorageS3'), bool(true));
    state.map('DisabledNodeTypes', type('GpuMiner'), bool(false));
    state.map('BannedAccounts', actors.banned.publicKey, bool(true));
    state.map('BannedAccounts', owners.Unlisted, bool(false));
    state.value('WhitelistedValidators', vec([owners.O6, owners.O6, o1]));
    state.value('FeeChargingEnabled', bool(true));
    state.value('DeregistrationEnabled', bool(false));

    // Report state (per reporting node, no rounds) and the legacy items.
    state.map('ReportSubmissionCount', bytes(keys.G.base58Bytes), u32(2));
    state.map('TemporaryDeregistrationReports', owners.O6, vec([u8aConcat(bytes(keys.A.base58Bytes), u64(startBlock))]));
    state.map('ColdkeyNodeRegistration', bytes(stringToU8a('old')), bytes(stringToU8a('record')));
    state.map('NodeRegistration', bytes(stringToU8a('older')), bytes(stringToU8a('record')));
    state.map('Libp2pIpfsIdentity', bytes(keys.A.base58Bytes), bytes(stringToU8a('ipfs')));
    state.value('ValidatorWhitelistEnabled', bool(true));
    state.map('LinkedNodes', bytes(keys.A.base58Bytes), vec([bytes(keys.B.base58Bytes)]));

    await api._options.provider.send('dev_setStorage', [state.pairs()]);

    assert.equal(await storageVersion(), 0);
    assert.ok((await nodeOf(keys.A)).isSome);
  });

  it('upgrades through sudo setCode and migrates in several blocks', async () => {
    const wasm = readFileSync(NEXT_SPEC_WASM);
    // setCode declares the whole block's weight: sudo without a weight check lets it in.
    const setCode = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(u8aToHex(wasm)), { refTime: 0, proofSize: 0 });
    const upgraded = await send(api, setCode, alice);
    assert.equal(upgraded.error, null);
    assert.ok(upgraded.events.some((e) => e.section === 'system' && e.method === 'CodeUpdated'));

    events = [];
    migrationBlocks = [];
    for (let i = 0; i < 40 && !events.some((e) => `${e.section}.${e.method}` === 'multiBlockMigrations.UpgradeCompleted'); i++) {
      await newBlocks(api, 1);
      const block = await headEvents();
      events.push(...block.events);
      const names = block.events.map((e) => `${e.section}.${e.method}`);
      if (names.some((n) => n.startsWith('multiBlockMigrations.'))) migrationBlocks.push(block.number);
      if (names.includes('multiBlockMigrations.MigrationAdvanced')) {
        // Mid-way: pallet-migrations holds the cursor, the registry is not at version 3 yet.
        assert.ok((await api.query.multiBlockMigrations.cursor()).isSome);
        assert.equal(await storageVersion(), 0);
      }
    }
    const names = events.map((e) => `${e.section}.${e.method}`);
    assert.ok(names.includes('multiBlockMigrations.UpgradeStarted'), names.join(' '));
    assert.ok(names.includes('multiBlockMigrations.UpgradeCompleted'), `no UpgradeCompleted within 40 blocks: ${names.join(' ')}`);
    assert.ok(!names.includes('multiBlockMigrations.UpgradeFailed'));
    assert.ok(names.includes('multiBlockMigrations.MigrationAdvanced'));
    assert.ok(migrationBlocks.length >= 3, `the migration took ${migrationBlocks.length} blocks`);
    console.log(`# ${FILLER_NODES + 10} registry entries of the reference migrated in ${migrationBlocks.length} blocks`);

    assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), 2);
    assert.ok((await api.query.multiBlockMigrations.cursor()).isNone);
    assert.equal(await storageVersion(), 3);
    const completed = events.find((e) => e.section === 'registration' && e.method === 'MigrationCompleted');
    assert.deepEqual(completed && fields(completed), { fromVersion: 0, nodes: FILLER_NODES + 5 });
  });

  it('re-keys the nodes and applies the documented duplicate rule', async () => {
    const record = async (key) => (await nodeOf(key)).unwrap().toJSON();
    const expect = (key, owner, nodeType, status, registeredAt) => ({
      nodeId: key.base58Hex, nodeType, status, registeredAt, owner: keyring.encodeAddress(owner),
    });
    assert.deepEqual(await record(keys.A), expect(keys.A, actors.o1.publicKey, 'StorageMiner', 'Online', 1));
    assert.deepEqual(await record(keys.B), expect(keys.B, owners.O2, 'GpuMiner', 'Online', 2));
    assert.deepEqual(await record(keys.C), expect(keys.C, owners.O3, 'StorageMiner', 'Online', 5));
    assert.deepEqual(await record(keys.F), expect(keys.F, owners.O5, 'GpuMiner', 'Online', 3));
    assert.deepEqual(await record(keys.G), expect(keys.G, owners.O6, 'Validator', 'Online', 2));
    for (const gone of [keys.D, keys.E, keys.I]) assert.ok((await nodeOf(gone)).isNone);
    // No raw-keyed entry is left.
    for (const key of [keys.B, keys.C, keys.F, fillers[0].key]) {
      assert.ok((await api.query.registration.coldkeyNodeRegistrationV2(key.rawHex)).isNone);
    }
    for (const filler of [fillers[0], fillers[1], fillers[FILLER_NODES - 1]]) {
      assert.equal((await nodeOf(filler.key)).unwrap().owner.toString(), keyring.encodeAddress(filler.owner));
      assert.ok((await api.query.registration.libp2pMainIdentity(filler.key.base58Hex)).isSome);
    }
    const total = (await api.query.registration.nodeCountByType.entries())
      .reduce((sum, [, count]) => sum + count.toNumber(), 0);
    assert.equal(total, FILLER_NODES + 5);

    // The owner index is rebuilt from the registry.
    assert.deepEqual((await api.query.registration.ownerToNode(actors.o1.address)).toJSON(), [keys.A.base58Hex]);
    assert.deepEqual((await api.query.registration.ownerToNode(owners.O5)).toJSON(), [keys.F.base58Hex]);
    assert.ok((await api.query.registration.ownerToNode(owners.O4)).isNone);
    // Identities: the kept nodes', under the base58 id; the departed node's is gone.
    assert.ok((await api.query.registration.libp2pMainIdentity(keys.B.base58Hex)).isSome);
    assert.ok((await api.query.registration.libp2pMainIdentity(keys.X.base58Hex)).isNone);

    const registration = (method) => events.filter((e) => e.section === 'registration' && e.method === method);
    const drops = registration('MigrationEntryDropped').map((e) => {
      const { nodeId, owner, reason } = fields(e);
      return `${u8aToString(hexToU8a(nodeId))} ${keyring.encodeAddress(owner)} ${reason}`;
    }).sort();
    assert.deepEqual(drops, [
      `${keys.C.base58} ${keyring.encodeAddress(owners.O4)} DuplicatePeerId`,
      `${keys.D.base58} ${keyring.encodeAddress(owners.O5)} DuplicateOwner`,
      `${keys.E.base58} ${keyring.encodeAddress(owners.O5)} DuplicateOwner`,
      `not-a-peer-id ${keyring.encodeAddress(owners.Unlisted)} InvalidNodeId`,
    ].sort());
    assert.deepEqual(registration('MigrationUndecodable').map(fields), [
      { item: 'ColdkeyNodeRegistrationV2', count: 1 },
    ]);
    assert.ok(registration('NodeStatusUpdated').map(fields).some(({ nodeId, status }) => nodeId === keys.G.base58Hex && status === 'Online'));
  });

  it('carries fees, disabled types, bans, switches and cooldowns over, and clears the rest', async () => {
    assert.equal((await api.query.registration.currentNodeTypeFee('GpuMiner')).unwrap().toBigInt(), 3n * UNIT);
    assert.equal((await api.query.registration.currentNodeTypeFee('ComputeMiner')).unwrap().toBigInt(), MIN_FEE);
    assert.equal((await api.query.registration.lastRegistrationBlock('GpuMiner')).unwrap().toNumber(), startBlock);
    assert.equal((await api.query.registration.disabledNodeTypes('StorageS3')).toJSON(), true);
    assert.equal((await api.query.registration.disabledNodeTypes.keys()).length, 1);
    assert.equal((await api.query.registration.bannedAccounts(actors.banned.address)).toJSON(), true);
    assert.equal((await api.query.registration.bannedAccounts.keys()).length, 1);
    assert.deepEqual((await api.query.registration.whitelistedValidators()).toJSON(),
      [keyring.encodeAddress(owners.O6), actors.o1.address]);
    assert.equal((await api.query.registration.feeChargingEnabled()).toJSON(), true);
    assert.equal((await api.query.registration.deregistrationEnabled()).toJSON(), false);
    assert.equal((await api.query.registration.nodeLastDeregisteredAt(keys.H.base58Hex)).unwrap().toNumber(), startBlock);
    assert.ok((await api.query.registration.nodeLastDeregisteredAt(keys.Q.base58Hex)).isNone);
    assert.equal((await api.query.registration.usedChallenges.keys()).length, 1);

    const removed = Object.fromEntries(events
      .filter((e) => e.section === 'registration' && e.method === 'MigrationEntriesRemoved')
      .map((e) => [fields(e).item, fields(e).count]));
    assert.deepEqual(
      {
        ColdkeyNodeRegistration: removed.ColdkeyNodeRegistration,
        NodeRegistration: removed.NodeRegistration,
        Libp2pIpfsIdentity: removed.Libp2pIpfsIdentity,
        ValidatorWhitelistEnabled: removed.ValidatorWhitelistEnabled,
        LinkedNodes: removed.LinkedNodes,
        ReportSubmissionCount: removed.ReportSubmissionCount,
        TemporaryDeregistrationReports: removed.TemporaryDeregistrationReports,
        UsedChallenges: removed.UsedChallenges,
      },
      {
        ColdkeyNodeRegistration: 1, NodeRegistration: 1, Libp2pIpfsIdentity: 1, ValidatorWhitelistEnabled: 1,
        LinkedNodes: 1, ReportSubmissionCount: 1, TemporaryDeregistrationReports: 1, UsedChallenges: 1,
      },
    );
    for (const item of ['ColdkeyNodeRegistration', 'NodeRegistration', 'Libp2pIpfsIdentity', 'ValidatorWhitelistEnabled',
      'LinkedNodes', 'ReportSubmissionCount', 'TemporaryDeregistrationReports']) {
      assert.equal((await keysUnder(itemKey(item))).length, 0, `${item} still holds entries`);
    }

    // They apply: each refusal comes from the carried-over state.
    const attempt = async (owner, key, nodeType) => dryRun(api, registerCall(api, await registrationArgs(api, { owner, key, nodeType })), owner);
    assert.equal(await attempt(actors.fresh, keys.Q, 'StorageS3'), 'registration.NodeTypeDisabled');
    assert.equal(await attempt(actors.banned, keys.Q, 'StorageMiner'), 'registration.AccountBanned');
    assert.equal(await attempt(actors.fresh, keys.H, 'StorageMiner'), 'registration.NodeCooldownPeriodNotExpired');
  });

  it('refuses a challenge used before the upgrade, and registers with a fresh one at the carried fee', async () => {
    const { error } = await send(api, registerCall(api, replay), actors.replayOwner);
    assert.equal(error, 'registration.ChallengeReused');

    const pot = async () => (await api.query.system.account(palletAccount(api))).data.free.toBigInt();
    const before = await pot();
    const fresh = await registrationArgs(api, { owner: actors.replayOwner, key: keys.R, nodeType: 'GpuMiner' });
    assert.equal((await send(api, registerCall(api, fresh), actors.replayOwner)).error, null);
    assert.equal((await nodeOf(keys.R)).unwrap().owner.toString(), actors.replayOwner.address);
    assert.equal(await pot() - before, 3n * UNIT, 'the fee carried over from the reference');
  });

  it('lets a migrated node\'s owner act on it', async () => {
    const { error } = await send(api, api.tx.registration.unregisterMainNode(keys.A.base58Hex), actors.o1);
    assert.equal(error, null);
    // An online storage miner is degraded first.
    assert.equal((await nodeOf(keys.A)).unwrap().status.toString(), 'Degraded');
  });

  it('registers a new node with the reference chain\'s Python SDK', async () => {
    const mnemonic = mnemonicGenerate();
    const owner = keyring.addFromMnemonic(mnemonic);
    assert.equal((await send(api, api.tx.balances.transferKeepAlive(owner.address, 10n * UNIT), alice)).error, null);
    const seed = randomAsU8a(32);
    const key = nodeKey(seed);
    const python = path.join(HIPPIUS_VENV, 'bin', 'python');
    const args = [
      SDK_SCRIPT, '--url', chain.endpoint, '--mnemonic', mnemonic, '--node-id', key.base58,
      '--node-priv-hex', u8aToHex(seed, -1, false), '--node-type', 'StorageMiner',
    ];
    try {
      await promisify(execFile)(python, args, { timeout: 120_000 });
    } catch (failure) {
      assert.fail(`the SDK failed (${failure.code}):\n${failure.stdout}\n${failure.stderr}`);
    }
    const node = (await nodeOf(key)).unwrap();
    assert.equal(node.owner.toString(), owner.address);
    assert.equal(node.nodeType.toString(), 'StorageMiner');
    assert.equal(node.status.toString(), 'Online');
    assert.equal(u8aToString(node.nodeId), key.base58);
  });
});
