// Runs the local chain in the foreground until Ctrl-C: `node e2e/chain.mjs [--port 8000]`.
import { startChain, defaultSpec } from './lib/chain.mjs';

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 8000;

const chain = await startChain({ port, log: (line) => console.log(`[chopsticks] ${line}`) });
const head = await chain.api.rpc.chain.getHeader();
const version = chain.api.runtimeVersion;
console.log(`ready: ${chain.endpoint}  spec ${defaultSpec()}`);
console.log(`runtime ${version.specName}/${version.specVersion}, block #${head.number}, Ctrl-C to stop`);
await chain.api.disconnect();

const stop = () => { chain.child.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise((resolve) => chain.child.on('exit', resolve));
