// General transactions without a chain: the bytes of a known call byte by byte, from a real v16
// metadata (polkadot.js' bundled Substrate metadata, which lists AuthorizeCall) with its list of
// transaction extensions as is, or replaced by the dev runtime's list (`TxExtension` in
// runtime/src/lib.rs) built from the same types; the refusal of an extension the client cannot
// fill; the detection of a chain that takes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata, TypeRegistry } from '@polkadot/types';
import substrateHex from '@polkadot/types-support/metadata/v16/substrate-hex';
import { compactFromU8a, hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import {
  EXPLICIT_VALUES, EXTENSION_VERSION, GENERAL_PREAMBLE, explicitData, generalTransaction, generalUnsupported, isGeneral,
  supportsGeneral, transactionExtensions,
} from '@registration/client/general';

// The bundled hex is the runtime API's answer: `Option<Vec<u8>>`, then the metadata.
const raw = hexToU8a(substrateHex);
const [offset] = compactFromU8a(raw.subarray(1));
const registry = new TypeRegistry();
const metadata = new Metadata(registry, raw.subarray(1 + offset));
registry.setMetadata(metadata, undefined, undefined, true);

/** An API as far as general transactions read one: the registry and the metadata. */
const substrate = { registry, runtimeMetadata: metadata };
const extensions = [...metadata.asLatest.extrinsic.transactionExtensions];
const typeOf = (identifier) => extensions.find((e) => e.identifier.toString() === identifier).type.toNumber();

// The lookup ids of the types the dev runtime's extensions carry: `()`, `Era`, `Compact<u32>`
// (nonce) and `Compact<u128>` (tip: the tip field of the Substrate runtime's ChargeAssetTxPayment).
const UNIT = typeOf('CheckWeight');
const ERA = typeOf('CheckMortality');
const NONCE = typeOf('CheckNonce');
const TIP = registry.lookup.getSiType(typeOf('ChargeAssetTxPayment')).def.asComposite.fields[0].type.toNumber();

/** The dev runtime's transaction extensions, in its order. */
const DEV_EXTENSIONS = [
  ['AuthorizeCall', UNIT], ['CheckNonZeroSender', UNIT], ['CheckSpecVersion', UNIT], ['CheckTxVersion', UNIT],
  ['CheckGenesis', UNIT], ['CheckMortality', ERA], ['CheckNonce', NONCE], ['CheckWeight', UNIT],
  ['ChargeTransactionPayment', TIP],
];

/** `substrate` with the extension list `list` (identifier and type id) and extrinsic versions `versions`. */
function withExtensions(list, { versions = [4, 5], byVersion = new Map([[0, list.map((_, i) => i)]]) } = {}) {
  const extrinsic = {
    versions,
    transactionExtensionsByVersion: byVersion,
    transactionExtensions: list.map(([identifier, type]) => ({ identifier, type })),
  };
  return { registry, runtimeMetadata: { asLatest: { extrinsic } } };
}

const dev = withExtensions(DEV_EXTENSIONS);
// `System::remark(0x0102)`: the pallet's index 0, the call's index 0, then the bytes with a compact length.
const remark = registry.createType('Call', { callIndex: [0, 0], args: { remark: '0x0102' } });

describe('a general transaction', () => {
  it('is the length, the preamble, the extension version, each extension\'s data and the call, byte by byte', () => {
    assert.equal(GENERAL_PREAMBLE, 0b0100_0101, 'version 5 with the general type bits');
    assert.equal(EXTENSION_VERSION, 0);
    assert.equal(u8aToHex(remark.toU8a()), '0x0000080102');
    const tx = generalTransaction(dev, remark);
    const expected = Uint8Array.of(
      0x28, // compact length: 10 bytes follow
      0x45, // extrinsic version 5, general
      0x00, // transaction extension version 0
      // AuthorizeCall, CheckNonZeroSender, CheckSpecVersion, CheckTxVersion, CheckGenesis: nothing
      0x00, // CheckMortality: Era::Immortal
      0x00, // CheckNonce: Compact<u32> 0
      // CheckWeight: nothing
      0x00, // ChargeTransactionPayment: Compact<u128> tip 0
      0x00, 0x00, 0x08, 0x01, 0x02, // the call
    );
    assert.deepEqual(tx.bytes, expected);
    assert.equal(tx.hex, u8aToHex(expected));
    assert.equal(tx.hash, blake2AsHex(expected, 256));
    assert.equal(isGeneral(tx.bytes), true);
    assert.equal(isGeneral(tx.hex), true);
  });

  it('takes the call of an unsigned extrinsic, and refuses a signed one or anything else', () => {
    const extrinsic = registry.createType('Extrinsic', { method: remark });
    assert.deepEqual(generalTransaction(dev, extrinsic).bytes, generalTransaction(dev, remark).bytes);
    assert.throws(() => generalTransaction(dev, { isSigned: true, method: remark }), /the transaction is signed/);
    assert.throws(() => generalTransaction(dev, '0x0000080102'), /give a call/);
  });

  it('fills the metadata hash mode and skips unit extensions of any name', () => {
    const tx = generalTransaction(withExtensions([
      ...DEV_EXTENSIONS, ['CheckMetadataHash', typeOf('CheckMetadataHash')], ['WeightReclaim', UNIT], ['AnyUnit', UNIT],
    ]), remark);
    assert.deepEqual(tx.bytes, Uint8Array.of(0x2c, 0x45, 0x00, 0x00, 0x00, 0x00, 0x00 /* mode: Disabled */, 0x00, 0x00, 0x08, 0x01, 0x02));
    assert.deepEqual(explicitData(withExtensions([['CheckMetadataHash', typeOf('CheckMetadataHash')]])).map((e) => [...e.bytes]), [[0]]);
  });

  it('follows the metadata\'s order of extension version 0, not the list\'s', () => {
    const api = withExtensions(DEV_EXTENSIONS, { byVersion: new Map([[0, [8, 0, 1, 2, 3, 4, 5, 6, 7]]]) });
    assert.deepEqual(transactionExtensions(api).map((e) => e.identifier).slice(0, 2), ['ChargeTransactionPayment', 'AuthorizeCall']);
    assert.throws(() => transactionExtensions(withExtensions(DEV_EXTENSIONS, { byVersion: new Map([[1, [0]]]) })),
      /no transaction extensions of version 0/);
  });

  it('refuses a runtime extension with data it does not know how to fill, by name', () => {
    // The Substrate runtime pays fees in assets: ChargeAssetTxPayment carries a tip and an asset id.
    assert.equal(supportsGeneral(substrate), true);
    assert.throws(() => generalTransaction(substrate, remark), /transaction extension ChargeAssetTxPayment carries data .* does not know how to fill/);
    assert.throws(() => generalTransaction(withExtensions([...DEV_EXTENSIONS, ['CheckSomething', NONCE]]), remark),
      /CheckSomething carries data \(Compact<u32>\)/);
    assert.equal(Object.hasOwn(EXPLICIT_VALUES, 'ChargeAssetTxPayment'), false);
  });
});

describe('support for general transactions', () => {
  it('needs extrinsic version 5 and AuthorizeCall among the extensions', () => {
    assert.equal(generalUnsupported(dev), null);
    assert.equal(supportsGeneral(dev), true);
    const noAuthorize = withExtensions(DEV_EXTENSIONS.slice(1));
    assert.equal(supportsGeneral(noAuthorize), false);
    assert.match(generalUnsupported(noAuthorize), /do not include AuthorizeCall/);
    assert.throws(() => generalTransaction(noAuthorize, remark), /not supported by this chain: .*do not include AuthorizeCall/);
    const v4 = withExtensions(DEV_EXTENSIONS, { versions: [4] });
    assert.equal(supportsGeneral(v4), false);
    assert.match(generalUnsupported(v4), /accepts extrinsic versions 4, not 5/);
    const noVersion0 = withExtensions(DEV_EXTENSIONS, { byVersion: new Map() });
    assert.match(generalUnsupported(noVersion0), /no transaction extensions of version 0/);
    assert.throws(() => supportsGeneral({ registry }), /no runtime metadata/);
  });

  it('tells bare and signed extrinsics from general ones by the preamble', () => {
    assert.equal(isGeneral('0x18050000080102'), false); // bare, version 5
    assert.equal(isGeneral(Uint8Array.of(0x14, 0x04, 0x00, 0x00, 0x04, 0x01)), false); // bare, version 4
    assert.equal(isGeneral(Uint8Array.of(0x18, 0x84, 0x00)), false); // signed, version 4
  });
});
