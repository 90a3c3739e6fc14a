// End to end: one heartbeat period of load on the dev chain (issue 29), reduced for CI: a registry
// of E2E_LOAD_NODES nodes (100) sends every heartbeat and, from half of them, a new record, while
// E2E_LOAD_REGISTRATIONS (20) paid registrations arrive with one of each kind of invalid fee-less
// transaction; with REGISTRAR_BIN (CI sets it), a registrar keeps a node of its own registered
// beside the load, blocks a second apart, and its heartbeat must land in the period too.
// benchmarks/load.mjs runs the full size and prints the report; both share lib/load.mjs.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ready } from '../../js/client/index.mjs';
import { startChain } from '../lib/chain.mjs';
import { INVALID_KINDS, loadPeriod, registrarsInPeriod, startRegistrars } from '../lib/load.mjs';
import { populate } from '../lib/registry.mjs';

const NODES = Number(process.env.E2E_LOAD_NODES ?? 100);
const REGISTRATIONS = Number(process.env.E2E_LOAD_REGISTRATIONS ?? 20);

let chain;
let report;
let registrars = [];
let beside = [];

before(async () => {
  const keyring = await ready();
  chain = await startChain({ port: Number(process.env.E2E_LOAD_PORT ?? 0) });
  const sudo = keyring.addFromUri('//Alice');
  const { keys } = await populate(chain.api, { keyring, sudo, count: NODES });
  if (process.env.REGISTRAR_BIN) {
    registrars = await startRegistrars(chain.api, {
      keyring, sudo, count: 1, bin: process.env.REGISTRAR_BIN, endpoint: chain.endpoint,
      dir: mkdtempSync(path.join(os.tmpdir(), 'load-test-')),
    });
  }
  report = await loadPeriod(chain.api, { keyring, sudo, keys, registrations: REGISTRATIONS, blockGapMs: registrars.length ? 1000 : 0 });
  beside = await registrarsInPeriod(chain.api, registrars, report);
});

after(async () => {
  await Promise.all(registrars.map((r) => r.stop()));
  await chain?.api.disconnect();
  chain?.child.kill('SIGTERM');
});

describe(`one period of load: ${NODES} nodes, ${REGISTRATIONS} registrations, every kind of invalid traffic`, () => {
  it('lands every heartbeat and record in its period', () => {
    for (const kind of ['heartbeat', 'record']) {
      const k = report.kinds[kind];
      assert.equal(k.refused, 0, `${kind} refused: ${JSON.stringify(k.refusals)}`);
      assert.equal(k.inPeriod, k.submitted, `${kind}: ${JSON.stringify(k)}`);
    }
    assert.equal(report.kinds.heartbeat.submitted, NODES);
    assert.equal(report.kinds.record.submitted, NODES / 2);
  });

  it('includes every paid registration', () => {
    const k = report.kinds.registration;
    assert.equal(k.submitted, REGISTRATIONS);
    assert.equal(k.included, REGISTRATIONS, JSON.stringify(k));
    assert.equal(k.failed, 0, JSON.stringify(k.failures));
  });

  it('lets no invalid fee-less transaction into a block', () => {
    for (const kind of INVALID_KINDS) {
      const k = report.kinds[kind];
      assert.equal(k.submitted, 1, kind);
      assert.equal(k.included, 0, `${kind} entered block(s): ${JSON.stringify(k)}`);
    }
  });

  it('loses nothing the pool accepted: each is in a block, or its watcher was told why not', () => {
    for (const [kind, k] of Object.entries(report.kinds)) {
      assert.equal(k.lost, 0, `${kind}: ${JSON.stringify(k.losses)}`);
      assert.equal(k.refused + k.dropped + k.included, k.submitted, `${kind}: ${JSON.stringify(k)}`);
    }
  });

  it('lands the heartbeat of a registrar running beside the load in the period (with REGISTRAR_BIN)', (t) => {
    if (!process.env.REGISTRAR_BIN) { t.skip('no REGISTRAR_BIN'); return; }
    for (const r of beside) {
      assert.ok(r.beatInPeriod, JSON.stringify(r));
      assert.equal(r.statusPeriod, report.period, JSON.stringify(r));
      assert.equal(r.statusError, null, JSON.stringify(r));
    }
  });

  it('keeps every block within the normal class\'s limits', () => {
    for (const block of report.blocks) {
      assert.ok(block.refTimeFill <= 100 && block.proofFill <= 100, JSON.stringify(block));
    }
  });
});
