// Runs the local chain in the foreground until Ctrl-C:
//   node e2e/chain.mjs [--port 9944] [--block-time SECONDS] [--console-port 8080]
// The chain lives in memory: each start is a fresh chain from the spec's genesis. chopsticks builds
// a block as soon as a transaction arrives; --block-time also builds an empty block every SECONDS
// (as a real chain does), so that heartbeats, cooldowns and liveness periods move on by themselves.
// --console-port also serves the registry console (js/console) there, pointed at this chain
// (0: no console).
import { serveConsole } from '../js/console/serve.mjs';
import { DEFAULT_PORT, startChain, defaultSpec } from './lib/chain.mjs';

const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const port = flag('--port') ?? DEFAULT_PORT;
const blockTime = flag('--block-time');
const consolePort = flag('--console-port') ?? 0;

let chain;
try {
  chain = await startChain({ port, log: (line) => console.log(`[chopsticks] ${line}`) });
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(1);
}
const head = await chain.api.rpc.chain.getHeader();
const version = chain.api.runtimeVersion;
console.log(`ready: ${chain.endpoint}  spec ${defaultSpec()}`);
console.log(`runtime ${version.specName}/${version.specVersion}, block #${head.number}, Ctrl-C to stop`);
if (consolePort > 0) {
  try {
    const { url } = await serveConsole({ port: consolePort });
    console.log(`registry console: ${url}?rpc=${encodeURIComponent(chain.endpoint)}  (open it in a browser with a wallet extension)`);
  } catch (error) {
    console.error(`the console cannot be served on port ${consolePort} (${error.message}): CONSOLE_PORT=${consolePort + 1} scripts/chain.sh`);
  }
}
if (blockTime > 0) {
  console.log(`building a block every ${blockTime} s`);
  const provider = chain.api._options.provider;
  const timer = setInterval(() => {
    provider.send('dev_newBlock', [{ count: 1 }]).catch((error) => console.error(`dev_newBlock: ${error.message}`));
  }, blockTime * 1000);
  chain.child.on('exit', () => clearInterval(timer));
} else {
  await chain.api.disconnect();
}

const stop = () => { chain.child.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise((resolve) => chain.child.on('exit', resolve));
process.exit(0);
