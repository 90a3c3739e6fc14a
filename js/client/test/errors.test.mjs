// describeError without a chain: the pallet's errors as the metadata would carry them, read from
// the pallet's source (`#[pallet::error]` in src/lib.rs), so that the remedies cannot name an
// error the pallet does not have, and every error reads as a sentence with a name and docs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  OTHER_REMEDIES, REMEDIES, describeError, errorDetails, errorName, poolRefusalName,
} from '@registration/client/errors';

/** The pallet's errors, in order, with their doc lines: what the metadata carries. */
function palletErrors() {
  const source = readFileSync(new URL('../../../src/lib.rs', import.meta.url), 'utf8');
  const start = source.indexOf('#[pallet::error]');
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n\t}', start));
  const errors = [];
  let docs = [];
  for (const line of body.split('\n').map((l) => l.trim())) {
    if (line.startsWith('///')) docs.push(line.slice(3));
    else if (/^[A-Z]\w*,$/.test(line)) { errors.push({ name: line.slice(0, -1), docs }); docs = []; }
  }
  return errors;
}

const ERRORS = palletErrors();

/** An API as far as describeError reads one: module errors by index, and the pallet's constants. */
const fakeApi = (consts = {}) => ({
  registry: {
    findMetaError: ({ index, error }) => {
      assert.equal(index, 7);
      return { section: 'registration', name: ERRORS[error].name, docs: ERRORS[error].docs };
    },
  },
  consts: { registration: consts },
});
const constant = (value) => ({ toBigInt: () => BigInt(value) });
const moduleError = (name) => ({ isModule: true, asModule: { index: 7, error: ERRORS.findIndex((e) => e.name === name) } });

describe('the remedies', () => {
  it('name errors the pallet has', () => {
    assert.ok(ERRORS.length > 80, `${ERRORS.length} errors read from src/lib.rs`);
    const names = new Set(ERRORS.map((e) => e.name));
    for (const name of Object.keys(REMEDIES)) assert.ok(names.has(name), `${name} is not an error of the pallet`);
  });

  it('cover the errors a registering client meets', () => {
    for (const name of [
      'OwnerAlreadyRegistered', 'NodeAlreadyRegistered', 'NodeCooldownPeriodNotExpired', 'ChallengeExpired',
      'InvalidSignature', 'FeeTooHigh', 'FeeAboveMaximum', 'DepositAboveMaximum', 'RegistryFull',
      'InsufficientBalanceForFee', 'InsufficientBalanceForDeposit', 'ChallengeReused', 'GenesisMismatch',
      'SignerNotOwner', 'ConsentExpired', 'InvalidOwnerSignature', 'StaleRecord', 'HeartbeatForAnotherPeriod',
    ]) assert.ok(REMEDIES[name], name);
  });
});

describe('describeError', () => {
  it('says every error of the pallet in a sentence: its name, its docs, what to do', () => {
    const api = fakeApi();
    for (const { name, docs } of ERRORS) {
      const text = describeError(api, moduleError(name));
      assert.ok(text.startsWith(`registration.${name}: `), text);
      assert.ok(text.includes(docs[0].trim()), `${name}: the docs are in it: ${text}`);
      assert.match(text, /What to do: .+\.$/, text);
    }
  });

  it('names the chain\'s constants in the remedy when the chain tells them', () => {
    const api = fakeApi({ nodeCooldownPeriod: constant(20), maxNodesPerOwner: constant(16) });
    assert.equal(describeError(api, moduleError('NodeCooldownPeriodNotExpired')),
      'registration.NodeCooldownPeriodNotExpired: The node or its owner was removed less than `NodeCooldownPeriod` '
      + 'blocks ago. What to do: wait until NodeCooldownPeriod (20 blocks) have passed since the node or the owner\'s '
      + 'place was removed, then build a new challenge and register again.');
    assert.match(describeError(api, moduleError('OwnerAlreadyRegistered')), /the owner has MaxNodesPerOwner \(16 nodes\) already/);
    // Without the constant: its name alone.
    assert.match(describeError(fakeApi(), moduleError('RegistryFull')), /the registry holds MaxNodes: try again/);
  });

  it('takes an error\'s name as send and dryRun report it, without a chain too', () => {
    const details = errorDetails(null, 'registration.FeeAboveMaximum');
    assert.equal(details.section, 'registration');
    assert.equal(details.name, 'FeeAboveMaximum');
    assert.match(details.text, /^registration\.FeeAboveMaximum: What to do: the current fee \(currentFee\) is above/);
    assert.equal(errorDetails(null, 'ChallengeExpired').section, 'registration');
    assert.match(describeError(null, 'Invalid.Payment'), /^Invalid\.Payment: The transaction is invalid.* What to do: the signer cannot pay/);
    assert.match(describeError(null, 'BadOrigin'), /^BadOrigin: The call was made by an origin that may not make it\. What to do: /);
    assert.equal(describeError(null, 'Whatever'), 'Whatever: no description is known for this error.');
  });

  it('reads dispatch errors outside the pallets', () => {
    const token = { isModule: false, type: 'Token', asToken: { type: 'FundsUnavailable' } };
    assert.equal(describeError(null, token), 'Token.FundsUnavailable: A balance operation failed. What to do: the account cannot pay this: fund it.');
    assert.ok(OTHER_REMEDIES['Token.FundsUnavailable']);
  });
});

describe('errorName', () => {
  it('is `section.Name` for module errors, the variant otherwise', () => {
    assert.equal(errorName(fakeApi(), moduleError('ChallengeReused')), 'registration.ChallengeReused');
    assert.equal(errorName(fakeApi(), { isModule: false, type: 'BadOrigin' }), 'BadOrigin');
  });
});

describe('pool refusals', () => {
  it('are named from a node\'s text and from chopsticks\' JSON, and said with what to do', () => {
    const cases = [
      ['1010: Invalid Transaction: Inability to pay some fees , e.g. account balance too low', 'Invalid.Payment'],
      ['1010: {"invalid":{"payment":null}}', 'Invalid.Payment'],
      ['1010: Invalid Transaction: Transaction is outdated', 'Invalid.Stale'],
      ['1010: {"invalid":{"stale":null}}', 'Invalid.Stale'],
      ['1010: Invalid Transaction: Transaction has a bad signature', 'Invalid.BadProof'],
      ['1010: {"invalid":{"custom":3}}', 'Invalid.Custom'],
      ['1010: Invalid Transaction: The transaction extension did not authorize any origin', 'Invalid.UnknownOrigin'],
      ['1010: {"invalid":{"unknownOrigin":null}}', 'Invalid.UnknownOrigin'],
      ['1014: Priority is too low: (100 vs 100)', 'Pool.TooLowPriority'],
      ['1012: Transaction is temporarily banned', 'Pool.TemporarilyBanned'],
    ];
    for (const [message, name] of cases) {
      assert.equal(poolRefusalName(new Error(message)), name, message);
      const text = describeError(null, new Error(message));
      assert.ok(text.startsWith(`${name}: `), text);
      assert.match(text, /What to do: /, text);
    }
    assert.equal(poolRefusalName(new Error('socket hang up')), null);
    assert.equal(poolRefusalName('1010: not an error object'), null);
  });
});
