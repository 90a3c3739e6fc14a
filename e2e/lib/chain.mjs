// Starts and stops a local chain: chopsticks running the dev runtime's raw chain spec.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const root = path.resolve(here, '..', '..');

/** Where `scripts/build-chain-spec.sh` writes the spec unless REGISTRATION_SPEC says otherwise. */
export const defaultSpec = () =>
  process.env.REGISTRATION_SPEC ?? path.join(root, 'target', 'registration-dev-spec.json');

/**
 * Starts chopsticks on `host:port` with the raw spec; resolves once the websocket answers.
 * `log` receives chopsticks' output lines.
 */
export async function startChain({ spec = defaultSpec(), host = '127.0.0.1', port = 8000, log = () => {} } = {}) {
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
