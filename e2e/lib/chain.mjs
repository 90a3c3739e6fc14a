// Starts and stops a local chain: chopsticks running the dev runtime's raw chain spec.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const root = path.resolve(here, '..', '..');

/** Where `scripts/build-chain-spec.sh` writes the spec unless REGISTRATION_SPEC says otherwise. */
export const defaultSpec = () =>
  process.env.REGISTRATION_SPEC ?? path.join(root, 'target', 'registration-dev-spec.json');

/** The port `scripts/chain.sh` serves the chain on unless PORT says otherwise: Substrate's RPC port. */
export const DEFAULT_PORT = 9944;

/**
 * Refuses a port something already listens on. chopsticks would move to the next free port without
 * saying so, and whatever answers on the asked-for port (an older chain) would pass for the new one.
 */
export async function ensurePortFree(host, port) {
  await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => reject(error.code === 'EADDRINUSE'
      ? new Error(`port ${port} on ${host} is already in use (another chain, or a node?): stop what runs `
        + `there, or choose another port (PORT=${port + 1} scripts/chain.sh, or --port ${port + 1})`)
      : error));
    probe.once('listening', () => probe.close(resolve));
    probe.listen(port, host);
  });
}

/** A port free on `host` now (the system's pick). */
export async function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts chopsticks on `host:port` (a free port when `port` is 0) with the raw spec; resolves
 * once the websocket answers. Refuses a port already in use. `log` receives chopsticks' output.
 */
export async function startChain({ spec = defaultSpec(), host = '127.0.0.1', port = DEFAULT_PORT, log = () => {} } = {}) {
  if (!port) port = await freePort(host);
  await ensurePortFree(host, port);
  const cli = path.join(here, '..', 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs');
  const child = spawn(
    process.execPath,
    [cli, '--genesis', spec, '--host', host, '--port', String(port), '--build-block-mode', 'Instant'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
  );
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => text.split('\n').filter(Boolean).forEach(log));
  }
  const endpoint = `ws://${host}:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`chopsticks exited with ${exited}`);
    try {
      const api = await connect(endpoint, 2_000);
      return { api, endpoint, child, stop: () => stopChain(api, child) };
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`chopsticks did not answer on ${endpoint} within 120 s`);
}

/** Connects to `endpoint`, failing after `timeoutMs` instead of retrying forever. */
export async function connect(endpoint, timeoutMs = 10_000) {
  const provider = new WsProvider(endpoint, false);
  await Promise.race([
    provider.connect(),
    new Promise((_, reject) => setTimeout(() => reject(new Error('connect timeout')), timeoutMs)),
  ]);
  await Promise.race([
    provider.isReadyOrError,
    new Promise((_, reject) => setTimeout(() => reject(new Error('connect timeout')), timeoutMs)),
  ]).catch(async (error) => { await provider.disconnect().catch(() => {}); throw error; });
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}

async function stopChain(api, child) {
  await api.disconnect().catch(() => {});
  child.kill('SIGTERM');
  await new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 5_000);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
}
