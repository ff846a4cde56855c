// A plain static file server for the built app: serves DIR under MOUNT on 127.0.0.1:PORT.
// Anything outside MOUNT is a 404, so a page that asks for an absolute URL fails its test.
//
//   node e2e/serve.mjs --dir dist --port 4173 --mount /docs/sizing/

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const root = resolve(option('dir', 'dist'));
const port = Number(option('port', '4173'));
let mount = option('mount', '/');
if (!mount.startsWith('/')) mount = `/${mount}`;
if (!mount.endsWith('/')) mount = `${mount}/`;

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const server = createServer(async (req, res) => {
  const send = (status, body, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return send(400, 'bad request');
  }
  if (`${path}/` === mount) {
    res.writeHead(301, { location: mount });
    return res.end();
  }
  if (!path.startsWith(mount)) return send(404, `not under ${mount}`);
  let file = normalize(join(root, path.slice(mount.length)));
  if (file !== root && !file.startsWith(root + sep)) return send(403, 'forbidden');
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    const body = await readFile(file);
    send(200, body, types[extname(file)] ?? 'application/octet-stream');
  } catch {
    send(404, 'not found');
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`serving ${root} at http://127.0.0.1:${port}${mount}`);
});
