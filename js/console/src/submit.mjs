// Submitting a transaction from the page: the wallet signs, the chain's answer is shown in words.
// A refusal by the pool (before a block) and a failure in the block are both said by name with
// what to do (the client's describeError); a success shows the event the user waited for.
import { describeError, findEvent, send } from '../../client/index.mjs';
import { amount, h, say } from './dom.mjs';

/** The wallet's way of saying that the user declined. */
const CANCELLED = /cancel|reject|denied|declined/i;

/**
 * The transaction fee `tx` would cost the chosen account, in words (the chain's estimate).
 * @returns {Promise<string>}
 */
export async function transactionFee(ctx, tx) {
  const account = ctx.wallet.account;
  if (!account) return 'a transaction fee (connect a wallet to see it)';
  const info = await tx.paymentInfo(account.address);
  return `a transaction fee of about ${amount(info.partialFee.toBigInt(), ctx.unit)}`;
}

/**
 * Has the wallet sign `tx` for the chosen account, submits it and waits for its block.
 * Resolves to the outcome with `event` (the `expect` event) on success, to null when
 * anything refused it; says which in the notice line either way.
 * @param {any} ctx the page's context
 * @param {any} tx
 * @param {{ what: string, expect: string | string[] }} options `what` names the action in the notice, `expect` the
 *   event (`registration.MainNodeRegistered`), or the events of which one is the answer
 */
export async function submit(ctx, tx, { what, expect }) {
  const { api } = ctx;
  let signer;
  try {
    signer = await ctx.wallet.signer();
  } catch (error) {
    say(error.message);
    return null;
  }
  say(`${what}: waiting for the wallet to sign, then for the block…`, { ok: true });
  let outcome;
  try {
    outcome = await send(api, tx, signer);
  } catch (error) {
    if (CANCELLED.test(error?.message ?? '')) say(`${what}: the wallet did not sign it; nothing was submitted.`);
    else say(`${what} was refused before any block: ${describeError(api, error).replace(/: no description is known for this error\.$/, `: ${error.message}`)}`);
    return null;
  }
  const number = (await api.rpc.chain.getHeader(outcome.blockHash)).number.toNumber();
  if (outcome.dispatchError) {
    say(`${what} failed in block #${number}: ${describeError(api, outcome.dispatchError)}`);
    return null;
  }
  const event = [expect].flat().map((name) => findEvent(outcome.events, name)).find(Boolean);
  if (!event) {
    const names = outcome.events.map((e) => `${e.section}.${e.method}`).join(', ');
    say(`${what}: the block holds the transaction but no ${[expect].flat().join(' or ')} event (its events: ${names}).`);
    return null;
  }
  say(`${what}: done, ${event.section}.${event.method} in block #${number}: ${eventText(event)}`, { ok: true });
  return { ...outcome, event, number };
}

/** An event's fields as `name: value` text. */
export function eventText(event) {
  const names = event.meta.fields.map((f) => f.name.isSome ? f.name.unwrap().toString() : '');
  return event.data.map((value, i) => {
    const human = value.toHuman?.() ?? value.toString();
    return `${names[i] || i}: ${typeof human === 'object' ? JSON.stringify(human) : human}`;
  }).join(', ');
}

/** A labelled line of costs: registration fee, deposit, transaction fee. */
export function costLine(parts) {
  return h('p', { className: 'costs' }, `Cost: ${parts.filter(Boolean).join(', ')}.`);
}
