// Connecting to a chain: one attempt with a deadline (polkadot.js would otherwise retry
// forever), an error a person can act on when nothing answers, and a check that the chain is
// the one expected (its genesis hash) and has the pallet.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';

/**
 * Why `connect` failed: `code` is `BAD_ENDPOINT` (not a websocket URL), `UNREACHABLE` (nothing
 * answered, or the connection closed), `NOT_A_NODE` (something answered, but no Substrate node's
 * RPC), `WRONG_CHAIN` (another genesis hash than the expected one) or `NO_PALLET` (the runtime
 * has no Registration pallet).
 */
export class ConnectError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, endpoint: string, cause?: unknown }} details
   */
  constructor(message, { code, endpoint, cause }) {
    super(message, { cause });
    this.name = 'ConnectError';
    /** @type {string} */
    this.code = code;
    /** @type {string} */
    this.endpoint = endpoint;
  }
}

/** Runs `promise` with a deadline; `what` names it in the timeout's error. */
async function within(ms, promise, what) {
  let timer;
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A socket error's reason in words (ws's ErrorEvent carries `message`, e.g. `connect ECONNREFUSED …`). */
const reasonOf = (event) => event?.message || event?.error?.message || 'the connection failed';

/**
 * Connects to the node at `endpoint` (`ws://…` or `wss://…`) and returns the API once its
 * metadata is loaded. Makes one attempt: a dead endpoint fails within `timeoutMs` instead of
 * being retried forever; loading the metadata may take `metadataTimeoutMs` (a busy node is slow). With `genesisHash` (hex or bytes) it refuses a chain with another
 * genesis hash (another network, or a chain restarted from a new genesis); unless `pallet` is
 * null it refuses a runtime without the pallet (`registration`, as polkadot.js names it).
 * @param {string} endpoint
 * @param {{ genesisHash?: string | Uint8Array, timeoutMs?: number, metadataTimeoutMs?: number, pallet?: string | null }} [options]
 * @returns {Promise<ApiPromise>}
 * @throws {ConnectError} saying what failed and what to check
 */
export async function connect(endpoint, {
  genesisHash, timeoutMs = 10_000, metadataTimeoutMs = 60_000, pallet = 'registration',
} = {}) {
  if (typeof endpoint !== 'string' || !/^wss?:\/\/[^/]/.test(endpoint)) {
    throw new ConnectError(`${endpoint} is not a websocket endpoint: give ws://host:port or wss://host`, { code: 'BAD_ENDPOINT', endpoint });
  }
  const provider = new WsProvider(endpoint, false);
  const offs = [];
  try {
    await within(timeoutMs, new Promise((resolve, reject) => {
      offs.push(provider.on('connected', resolve));
      offs.push(provider.on('error', (event) => reject(new Error(reasonOf(event)))));
      offs.push(provider.on('disconnected', () => reject(new Error('the connection closed'))));
      provider.connect().catch(reject);
    }), 'no connection');
  } catch (error) {
    await provider.disconnect().catch(() => {});
    throw new ConnectError(`cannot reach the chain at ${endpoint} (${error.message}): is the node running, and is `
      + 'this its RPC address and port?', { code: 'UNREACHABLE', endpoint, cause: error });
  } finally {
    offs.forEach((off) => off());
  }
  let api;
  try {
    api = await within(metadataTimeoutMs, ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true }), 'no metadata');
  } catch (error) {
    await provider.disconnect().catch(() => {});
    throw new ConnectError(`${endpoint} answered, but not as a Substrate node's RPC (${error?.message ?? error})`,
      { code: 'NOT_A_NODE', endpoint, cause: error });
  }
  if (genesisHash !== undefined && genesisHash !== null) {
    const expected = (typeof genesisHash === 'string' ? genesisHash : u8aToHex(genesisHash)).toLowerCase();
    const actual = api.genesisHash.toHex().toLowerCase();
    if (actual !== expected) {
      await api.disconnect().catch(() => {});
      throw new ConnectError(`the chain at ${endpoint} is not the expected one: its genesis hash is ${actual}, not `
        + `${expected} (another network, or a chain started again from a new genesis): check the endpoint`,
      { code: 'WRONG_CHAIN', endpoint });
    }
  }
  if (pallet && !api.tx[pallet]) {
    const { specName, specVersion } = api.runtimeVersion;
    await api.disconnect().catch(() => {});
    throw new ConnectError(`the chain at ${endpoint} (runtime ${specName}/${specVersion}) has no ${pallet} pallet: `
      + 'check the endpoint', { code: 'NO_PALLET', endpoint });
  }
  return api;
}
