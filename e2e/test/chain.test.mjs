// The local chain's launcher as a newcomer meets it: a busy port is refused with a clear message
// (chopsticks itself would move to the next free port while the chain already there passed for
// the new one), and the default port is the one the registrar and polkadot.js apps look at.
// No chain is started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PORT, root, startChain } from '../lib/chain.mjs';

describe('the launcher on a busy port', () => {
  let busy;
  let port;
  before(async () => {
    busy = net.createServer();
    await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
    port = busy.address().port;
  });
  after(() => new Promise((resolve) => busy.close(resolve)));

  it('startChain refuses it before starting anything', async () => {
    await assert.rejects(startChain({ port }), (error) => {
      assert.match(error.message, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
      assert.match(error.message, new RegExp(`PORT=${port + 1} scripts/chain.sh`));
      return true;
    });
  });

  it('node e2e/chain.mjs says so in one line and exits 1', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'e2e', 'chain.mjs'), '--port', String(port)],
      { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /^error: port \d+ on 127\.0\.0\.1 is already in use/);
    assert.doesNotMatch(run.stdout, /ready:/);
  });

  it('scripts/chain.sh refuses it before building, and names PORT=', () => {
    const run = spawnSync('bash', [path.join(root, 'scripts', 'chain.sh')],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, PORT: String(port) } });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`port ${port} is already in use.*PORT=${port + 1} scripts/chain.sh`));
    assert.doesNotMatch(run.stdout + run.stderr, /Compiling|ready:/);
  });
});

describe('the default port', () => {
  it('is the one scripts/chain.sh serves, and the registrar\'s default endpoint', () => {
    const script = readFileSync(path.join(root, 'scripts', 'chain.sh'), 'utf8');
    assert.match(script, new RegExp(`PORT="\\$\\{PORT:-${DEFAULT_PORT}\\}"`));
    const cli = readFileSync(path.join(root, 'registrar', 'src', 'cli.rs'), 'utf8');
    assert.match(cli, new RegExp(`DEFAULT_ENDPOINT: &str = "ws://127\\.0\\.0\\.1:${DEFAULT_PORT}"`));
  });
});
