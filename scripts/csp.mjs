// Trunk post-build hook (Trunk.toml). In every build it first splits the app's
// wasm into a module per secondary page (scripts/split.mjs). In a release build
// it then moves every inline script of index.html into a file of its own (named
// by its content's hash) and adds a strict Content-Security-Policy. The page
// then runs no inline script and no eval: only its own files, and WebAssembly
// compiled from them.
//
// The policy, as a <meta> tag (a server can send the same as a header; see
// docs/hosting.md, which also lists what only a header can set):
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';
//   img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';
//   form-action 'none'
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { split } from './split.mjs';

export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('csp.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
// Every build: the secondary pages' code in modules of their own (scripts/split.mjs).
split({ staging, profile: process.env.TRUNK_PROFILE, sourceDir: process.env.TRUNK_SOURCE_DIR ?? process.cwd() });
// Trunk's loader for the kernel lab's worker starts wasm-bindgen's module with a
// bare path, which that module warns is deprecated on every run: pass the object.
{
  const loader = join(staging, 'lab-worker_loader.js');
  const shim = readFileSync(loader, 'utf8');
  const started = shim.replace(/wasm_bindgen\(("[^"]+_bg\.wasm")\)/, 'wasm_bindgen({ module_or_path: $1 })');
  if (started === shim) {
    console.error(`csp.mjs: ${loader} does not start wasm_bindgen("…_bg.wasm"): its format changed`);
    process.exit(1);
  }
  writeFileSync(loader, started);
}
if (process.env.TRUNK_PROFILE !== 'release') {
  process.exit(0);
}
const file = join(staging, 'index.html');
let html = readFileSync(file, 'utf8');
html = html.replace(/<script( type="module")?>([\s\S]*?)<\/script>/g, (_, module, body) => {
  const name = `boot-${createHash('sha256').update(body).digest('hex').slice(0, 16)}.js`;
  writeFileSync(join(staging, name), body);
  return `<script${module ?? ''} src="./${name}"></script>`;
});
if (/<script(?![^>]*\ssrc=)[^>]*>/.test(html)) {
  console.error('csp.mjs: an inline script is left in index.html');
  process.exit(1);
}
html = html.replace(
  /<meta charset="utf-8" \/>/,
  `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}" />`,
);
if (!html.includes('Content-Security-Policy')) {
  console.error('csp.mjs: no <meta charset> to put the policy after');
  process.exit(1);
}
writeFileSync(file, html);

// Offline: a web app manifest, and a service worker that precaches every file of
// this build (named by their content's hash, so a new build is a new cache).
const manifest = {
  name: 'headroom — GPU sizing for ML',
  short_name: 'headroom',
  description: 'Which GPU, MIG slice or vGPU profile an ML workload needs. Runs offline in the browser.',
  start_url: './',
  scope: './',
  display: 'standalone',
  background_color: '#f3f6f9',
  theme_color: '#16324f',
  icons: readdirSync(staging)
    .filter((f) => f.startsWith('favicon') && f.endsWith('.svg'))
    .map((f) => ({ src: `./${f}`, sizes: 'any', type: 'image/svg+xml', purpose: 'any' })),
};
writeFileSync(join(staging, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name !== 'sw.js') files.push(relative(staging, path).split(sep).join('/'));
  }
};
walk(staging);
files.sort();
const version = createHash('sha256');
for (const f of files) version.update(f).update(readFileSync(join(staging, f)));
const worker = readFileSync(new URL('./sw.js', import.meta.url), 'utf8')
  .replace('__VERSION__', version.digest('hex').slice(0, 16))
  .replace('__FILES__', JSON.stringify(['./', ...files.map((f) => `./${f}`)]));
writeFileSync(join(staging, 'sw.js'), worker);
