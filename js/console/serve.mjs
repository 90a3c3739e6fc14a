// Serves the console's static files (index.html, console.css, dist/) on the loopback address,
// building dist/ first. The page talks to the chain's endpoint itself; this server only hands
// out files (GET and HEAD, nothing outside this folder's three entries).
//   node js/console/serve.mjs [--port 8080] [--rpc ws://127.0.0.1:9944]
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole } from './build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.map': 'application/json' };

/** The file a request path names, or null: `/`, `/console.css` and files under `/dist/`. */
function fileOf(urlPath) {
  const clean = decodeURIComponent(urlPath.split('?')[0]);
  if (clean === '/' || clean === '/index.html') return path.join(here, 'index.html');
  if (clean === '/console.css') return path.join(here, 'console.css');
  const dist = path.join(here, 'dist');
  const file = path.resolve(dist, `.${clean.replace(/^\/dist/, '')}`);
  return clean.startsWith('/dist/') && file.startsWith(`${dist}${path.sep}`) ? file : null;
}

/**
 * Builds the console and serves it on `host:port` (0: a free port). Resolves to the server and
 * the page's address.
 * @param {{ host?: string, port?: number, build?: boolean, log?: (line: string) => void }} [options]
 */
export async function serveConsole({ host = '127.0.0.1', port = 0, build = true, log = () => {} } = {}) {
  if (build) await buildConsole({ log });
  const server = http.createServer(async (req, res) => {
    const file = fileOf(req.url ?? '/');
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file) {
      res.writeHead(file ? 405 : 404).end();
      return;
    }
    try {
      const info = await stat(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') res.end(); else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const url = `http://${host}:${server.address().port}/`;
  return { server, url };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = (name, fallback) => { const at = process.argv.indexOf(name); return at > 0 ? process.argv[at + 1] : fallback; };
  try {
    const { url } = await serveConsole({ port: Number(flag('--port', 8080)), log: (line) => console.log(line) });
    const rpc = flag('--rpc', null);
    console.log(`Registry console: ${url}${rpc ? `?rpc=${encodeURIComponent(rpc)}` : ''}`);
  } catch (error) {
    console.error(`console: ${error.message}`);
    process.exit(1);
  }
}
