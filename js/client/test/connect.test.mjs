// connect without a chain: what a person sees for an endpoint that is no websocket URL, for one
// where nothing listens and for one that accepts connections but never answers. (A chain with
// another genesis hash: the e2e suite, e2e/test/registration.test.mjs.)
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectError, connect } from '@registration/client/connect';

/** A port nothing listens on now. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connect', () => {
  let silent;
  const sockets = [];
  before(async () => {
    // Accepts TCP connections and says nothing: no websocket handshake ever completes.
    silent = net.createServer((socket) => { sockets.push(socket); socket.on('error', () => {}); });
    await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise((resolve) => { sockets.forEach((s) => s.destroy()); silent.close(resolve); }));

  it('refuses what is not a websocket endpoint', async () => {
    await assert.rejects(connect('http://127.0.0.1:9944'), (error) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, 'BAD_ENDPOINT');
      assert.match(error.message, /^http:\/\/127\.0\.0\.1:9944 is not a websocket endpoint: give ws:\/\/host:port/);
      return true;
    });
  });

  it('says a dead endpoint is unreachable, at once, and what to check', async () => {
    const endpoint = `ws://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    await assert.rejects(connect(endpoint, { timeoutMs: 5_000 }), (error) => {
      assert.equal(error.code, 'UNREACHABLE');
      assert.equal(error.endpoint, endpoint);
      assert.match(error.message, new RegExp(`^cannot reach the chain at ${endpoint} \\(.*ECONNREFUSED.*\\): is the node running`));
      return true;
    });
    assert.ok(Date.now() - started < 4_000, 'refused, not timed out');
  });

  it('gives up on an endpoint that never answers after the timeout', async () => {
    const endpoint = `ws://127.0.0.1:${silent.address().port}`;
    await assert.rejects(connect(endpoint, { timeoutMs: 300 }), (error) => {
      assert.equal(error.code, 'UNREACHABLE');
      assert.match(error.message, /\(no connection within 0\.3 s\)/);
      return true;
    });
  });
});
