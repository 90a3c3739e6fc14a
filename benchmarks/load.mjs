// Load on a real chain (issue 29): the dev runtime on chopsticks, through the JS client. A registry
// of NODES nodes (1,000; sudo's registrations, real node keys, signed records, half of them
// silent), then one heartbeat period in which every node sends its heartbeat and every other one
// a new record (fee-less), REGISTRATIONS (200) paid registrations arrive, and INVALID_EACH (5) of
// every kind of invalid fee-less traffic (wrong signature, stale record, unregistered node, second
// heartbeat in the period, record over the bounds). Prints each block (transactions by kind, fill
// by ref_time and proof size, chopsticks' build time), each kind (submitted, refused by the pool,
// included, landed in the period, lost) and the registrations a block takes by the weights.
// The fee-less transactions go as general ones (FEE_LESS=bare: bare ones).
// With REGISTRAR_BIN, REGISTRARS (3) registrars keep nodes of their own registered beside the
// load, and the blocks come at least BLOCK_GAP_MS (1000) apart so that they can send; the report
// says whether each one's heartbeat landed in the period.
//   REGISTRATION_SPEC=target/registration-dev-spec.json REGISTRAR_BIN=$CARGO_TARGET_DIR/debug/registrar \
//     node benchmarks/load.mjs
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ready } from '../js/client/index.mjs';
import { startChain } from '../e2e/lib/chain.mjs';
import { loadPeriod, registrarsInPeriod, startRegistrars } from '../e2e/lib/load.mjs';
import { populate } from '../e2e/lib/registry.mjs';

const NODES = Number(process.env.NODES ?? 1000);
const REGISTRATIONS = Number(process.env.REGISTRATIONS ?? 200);
const INVALID_EACH = Number(process.env.INVALID_EACH ?? 5);
const REGISTRARS = process.env.REGISTRAR_BIN ? Number(process.env.REGISTRARS ?? 3) : 0;
const BLOCK_GAP_MS = Number(process.env.BLOCK_GAP_MS ?? (REGISTRARS ? 1000 : 0));
const FEE_LESS = process.env.FEE_LESS ?? 'general';
if (!['general', 'bare'].includes(FEE_LESS)) throw new Error(`FEE_LESS is general or bare, not ${FEE_LESS}`);

const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
const keyring = await ready();
const chain = await startChain({ port: 0 });
const { api } = chain;
let registrars = [];
try {
  const sudo = keyring.addFromUri('//Alice');
  const { keys } = await populate(api, { keyring, sudo, count: NODES, log });
  if (REGISTRARS) {
    registrars = await startRegistrars(api, {
      keyring, sudo, count: REGISTRARS, bin: process.env.REGISTRAR_BIN, endpoint: chain.endpoint,
      dir: mkdtempSync(path.join(os.tmpdir(), 'load-')), log,
    });
  }
  const report = await loadPeriod(api, {
    keyring, sudo, keys, registrations: REGISTRATIONS, invalidEach: INVALID_EACH, blockGapMs: BLOCK_GAP_MS, log,
    general: FEE_LESS === 'general',
  });
  console.log(`\nperiod ${report.period}: blocks ${report.first} to ${report.last}; fee-less transactions ${FEE_LESS}`);
  console.log('block  extrinsics  heartbeats  records  registrations  invalid  ref_time%  proof%  build s  resubmitted');
  for (const b of report.blocks) {
    const invalid = Object.entries(b.kinds).filter(([k]) => !['heartbeat', 'record', 'registration', 'inherent', 'other'].includes(k))
      .reduce((n, [, c]) => n + c, 0);
    console.log([b.number, b.extrinsics, b.kinds.heartbeat ?? 0, b.kinds.record ?? 0, b.kinds.registration ?? 0, invalid,
      b.refTimeFill.toFixed(1), b.proofFill.toFixed(1), (b.buildMs / 1000).toFixed(1), b.resubmitted ?? 0].map(String).map((s, i) => s.padStart(i ? 11 : 5)).join(''));
  }
  console.log('\n"resubmitted": did not fit in a block, dropped by chopsticks (watcher told Invalid.ExhaustsResources) and submitted again, as a node\'s pool would have kept it');
  console.log('kind                submitted  refused by the pool        dropped, watcher told  resubmitted  included  in period  failed  lost');
  for (const [kind, k] of Object.entries(report.kinds)) {
    console.log(`${kind.padEnd(20)}${String(k.submitted).padStart(9)}  ${`${k.refused} ${JSON.stringify(k.refusals)}`.padEnd(26)}`
      + `${`${k.dropped} ${JSON.stringify(k.drops)}`.padEnd(23)}${String(k.resubmitted).padStart(11)}`
      + `${String(k.included).padStart(8)}${String(k.inPeriod).padStart(11)}${String(k.failed).padStart(8)}${String(k.lost).padStart(6)}`);
  }
  if (registrars.length) {
    console.log('\nregistrars beside the load:');
    for (const r of await registrarsInPeriod(api, registrars, report)) {
      console.log(`  ${r.node}: heartbeat in period ${report.period} on chain: ${r.beatInPeriod ? 'yes' : 'NO'} (last seen #${r.lastSeen}); `
        + `/status: phase ${r.phase}, last heartbeat period ${r.statusPeriod}, last error ${r.statusError ?? 'none'}`);
    }
  }
  const regBlocks = report.blocks.filter((b) => b.kinds.registration);
  const most = Math.max(0, ...regBlocks.map((b) => b.kinds.registration));
  console.log(`\nregistrations per block: at most ${most} built (blocks ${regBlocks.map((b) => `${b.number}:${b.kinds.registration}`).join(' ')}); `
    + `the weights allow ${report.capacity?.perBlock} in the normal class (by ref_time ${report.capacity?.refTime}, by proof size `
    + `${report.capacity?.proofSize}; one registration ${JSON.stringify(report.capacity?.weight)})`);
} finally {
  await Promise.all(registrars.map((r) => r.stop()));
  await api.disconnect();
  chain.child.kill('SIGTERM');
}
