// The console's render benchmark: with NODES nodes registered (1,000 by default, each with a
// signed record, half of them silent), how long the explorer takes to show a page of LIMIT (100)
// nodes with every record's signature checked in the browser, in headless chromium against the
// dev chain on chopsticks. Prints each run and the median; the target is at most 1 s.
//   node benchmarks/console-render.mjs            (REGISTRATION_SPEC: the dev chain spec)
//   NODES=1000 LIMIT=100 RUNS=10 node benchmarks/console-render.mjs
// What is timed: from the page's query (the view function call) to the table in the DOM, as the
// page measures it (`#results[data-rendered]`), and, from outside, from the click on "Next" to
// the next page's rows being present.
import { nodeCounts, ready } from '../js/client/index.mjs';
import { serveConsole } from '../js/console/serve.mjs';
import { injectWallet, launchBrowser } from '../e2e/lib/browser.mjs';
import { startChain } from '../e2e/lib/chain.mjs';
import { populate } from '../e2e/lib/registry.mjs';

const NODES = Number(process.env.NODES ?? 1000);
const LIMIT = Number(process.env.LIMIT ?? 100);
const RUNS = Number(process.env.RUNS ?? 10);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const keyring = await ready();
const chain = await startChain({ port: 0 });
const { api } = chain;
const alice = keyring.addFromUri('//Alice');
const started = Date.now();
await populate(api, {
  keyring, sudo: alice, count: NODES, log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`),
});
const counts = await nodeCounts(api);
console.log(`registry: ${JSON.stringify(counts.byType)} ${JSON.stringify(counts.byStatus)}`);

const site = await serveConsole();
const browser = await launchBrowser();
const page = await browser.newPage();
await injectWallet(page, api, []);
const inside = [];
const outside = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    await page.goto('about:blank');
    await page.goto(`${site.url}?rpc=${encodeURIComponent(chain.endpoint)}#/explorer?by=type&value=StorageMiner&limit=${LIMIT}`);
    await page.waitForSelector('#results[data-page="1"]', { timeout: 120_000 });
    // Page 2, from the click: the first page warmed the page's code and the connection.
    const t0 = Date.now();
    await page.click('#next');
    await page.waitForSelector('#results[data-page="2"] tr[data-node]', { timeout: 120_000 });
    const clicked = Date.now() - t0;
    const rendered = await page.$eval('#results', (el) => Number(el.dataset.rendered));
    const verified = await page.$$eval('#results [data-check="verified"]', (els) => els.length);
    if (verified !== LIMIT) throw new Error(`${verified} records verified on the page, ${LIMIT} expected`);
    inside.push(rendered);
    outside.push(clicked);
    console.log(`run ${run + 1}: page of ${LIMIT} nodes, ${verified} records verified: ${rendered.toFixed(0)} ms in the page, ${clicked} ms from the click`);
  }
  console.log(`median of ${RUNS}: ${median(inside).toFixed(0)} ms in the page, ${median(outside)} ms from the click `
    + `(target: at most 1000 ms), ${NODES} nodes registered`);
} finally {
  await browser.close();
  site.server.close();
  await api.disconnect();
  chain.child.kill('SIGTERM');
}
