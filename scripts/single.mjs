// `make single`: the release build in dist/ as one self-contained file,
// dist-single/headroom.html, for a mail attachment, a USB stick or a wiki that
// takes attachments but not folders. Opened from disk (file://) it works as the
// served app does: the stylesheet, the scripts, the icon and both wasm modules
// (the app's and the kernel lab's worker) are inside it.
//
// How it is put together:
//   - the wasm modules and the lab worker's script are gzip + base64 in
//     <script type="application/octet-stream"> blocks (never run as scripts) and
//     unpacked in the browser with DecompressionStream;
//   - wasm-bindgen's module for the app is inlined into the one module script,
//     with its `export`s removed (an inline module cannot be imported from);
//   - the secondary pages' modules (scripts/split.mjs) are packed the same way;
//     their loader is inlined before wasm-bindgen's module and unpacks them
//     instead of fetching them;
//   - the lab's worker starts from a blob: URL built from its script and its wasm,
//     found by the app under the worker's usual URL (globalThis.headroomWorkers);
//   - no service worker and no manifest (neither works from file://);
//   - a Content-Security-Policy with the hash of each inline script and style.
//
//   node scripts/single.mjs [--dir dist] [--out dist-single/headroom.html]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dir = arg('--dir', 'dist');
const out = arg('--out', 'dist-single/headroom.html');

const die = (message) => {
  console.error(`single.mjs: ${message}`);
  process.exit(1);
};
const files = readdirSync(dir);
const one = (pattern, what) => {
  const found = files.filter((f) => pattern.test(f));
  if (found.length !== 1) die(`expected one ${what} in ${dir}/, found ${found.length} (run trunk build --release first)`);
  return found[0];
};
const read = (name) => readFileSync(join(dir, name));
const text = (name) => readFileSync(join(dir, name), 'utf8');
const packed = (bytes) => gzipSync(bytes, { level: 9 }).toString('base64');
const sha256 = (body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;

const appJs = one(/^headroom-[0-9a-f]+\.js$/, 'app script');
const appWasm = one(/^headroom-[0-9a-f]+_bg\.wasm$/, 'app wasm');
const css = one(/^style-[0-9a-f]+\.css$/, 'stylesheet');
const theme = one(/^theme-[0-9a-f]+\.js$/, 'theme script');
const icon = one(/^favicon-[0-9a-f]+\.svg$/, 'icon');
const labJs = one(/^lab-worker\.js$/, 'lab worker script');
const labWasm = one(/^lab-worker_bg\.wasm$/, 'lab worker wasm');

// wasm-bindgen's ES module, as statements of the inline module script.
let glue = text(appJs);
// The secondary pages' modules (scripts/split.mjs): their loader goes first in
// the same script, and each module is unpacked from the page instead of fetched.
const loaderJs = files.find((f) => /^split-loader-[0-9a-f]+\.js$/.test(f));
const parts = [];
let split = '';
if (loaderJs) {
  let loader = text(loaderJs);
  const names = [];
  loader = loader.replace(/^import \{ initSync \} from "[^"]*";?[ \t]*$/m, '');
  loader = loader.replace(/^export const (\w+)/gm, (_, name) => {
    names.push(name);
    return `const ${name}`;
  });
  loader = loader.replace(/fetch\(new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)\)/g, (_, file) => {
    if (!files.includes(file)) die(`the split loader names ${file}, which is not in ${dir}/`);
    parts.push(file);
    return `headroomPart(${JSON.stringify(file)})`;
  });
  if (names.length === 0 || parts.length === 0) die(`${loaderJs} has no loaders or no modules: its format changed`);
  const imports = new RegExp(`^import \\* as (\\w+) from "\\./${loaderJs.replaceAll('.', '\\.')}";?[ \\t]*$`, 'gm');
  if (!imports.test(glue)) die(`${appJs} does not import ${loaderJs}`);
  glue = glue.replace(imports, 'const $1 = headroomSplit;');
  split = `// ---- the secondary pages' modules, unpacked from this page (scripts/single.mjs) ----
const headroomPart = async (file) => headroomUnpacked(\`headroom-part-\${file}\`, 'application/wasm');
${loader}
const headroomSplit = { ${names.join(', ')} };
`;
}
glue = glue.replace(/^export \{[^}]*\};?\s*$/m, '');
glue = glue.replace(/^export (class|function|const|let|async function) /gm, '$1 ');
if (/^\s*(export|import)\s/m.test(glue)) die(`${appJs} has an import or export left that this script does not know`);
if (!/async function __wbg_init\b/.test(glue)) die(`${appJs} has no __wbg_init: wasm-bindgen's output changed`);
for (const body of [glue, text(css), text(theme)]) {
  if (/<\/(script|style)/i.test(body)) die('a script or the stylesheet contains a closing tag');
}

const boot = `// ---- a packed block of this page (gzip + base64), unpacked as a Response (scripts/single.mjs) ----
const headroomUnpacked = (id, type) => {
  const b64 = document.getElementById(id).textContent.trim();
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const body = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(body, type ? { headers: { 'content-type': type } } : undefined);
};
${split}${glue}
// ---- single-file start-up (scripts/single.mjs), in a block of its own names ----
{
const packed = (id) => headroomUnpacked(id).arrayBuffer();
// The kernel lab's worker: its script, then its wasm unpacked and started inside the worker.
const labScript = new TextDecoder().decode(await packed('headroom-lab-js'));
const labWasm = document.getElementById('headroom-lab-wasm').textContent.trim();
const labStart = \`
(async () => {
  const bytes = Uint8Array.from(atob(\${JSON.stringify(labWasm)}), (c) => c.charCodeAt(0));
  const wasm = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
  await wasm_bindgen({ module_or_path: wasm });
})();\`;
globalThis.headroomWorkers = {
  './lab-worker_loader.js': URL.createObjectURL(new Blob([labScript, labStart], { type: 'text/javascript' })),
};
const started = await __wbg_init({ module_or_path: await packed('headroom-wasm') });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: started } }));
}
`;
const style = text(css);
const themeJs = text(theme);

let html = text('index.html');
const swap = (pattern, replacement, what) => {
  if (!pattern.test(html)) die(`index.html has no ${what}`);
  html = html.replace(pattern, replacement);
};
swap(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '', 'Content-Security-Policy');
swap(/<link rel="icon"[^>]*>/, `<link rel="icon" href="data:image/svg+xml;base64,${read(icon).toString('base64')}" />`, 'icon link');
swap(/\s*<link rel="manifest"[^>]*>/, '', 'manifest link');
swap(/\s*<!-- Offline use:[^>]*-->/, '', 'service worker comment');
swap(/\s*<!-- The kernel lab's Web Worker:[^>]*-->/, '', 'worker comment');
swap(/<script src="\.\/theme-[^"]*"[^>]*><\/script>/, () => `<script>${themeJs}</script>`, 'theme script');
swap(/\s*<script src="\.\/sw-register-[^"]*"[^>]*><\/script>/, '', 'service worker script');
swap(/<link rel="stylesheet"[^>]*>/, () => `<style>${style}</style>`, 'stylesheet link');
swap(/<script type="module" src="\.\/boot-[^"]*"><\/script>/, () => `<script type="module">${boot}</script>`, 'start-up script');
swap(/\s*<link rel="modulepreload"[^>]*>/g, '', 'module preloads');
swap(/\s*<link rel="preload"[^>]*>/, '', 'wasm preload');
if (/(src|href)="\.\//.test(html)) die(`index.html refers to a file this script does not inline: ${html.match(/(src|href)="\.\/[^"]*"/)[0]}`);

const policy = [
  "default-src 'none'",
  `script-src ${sha256(themeJs)} ${sha256(boot)} blob: 'wasm-unsafe-eval'`,
  `style-src ${sha256(style)}`,
  'img-src data:',
  'worker-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
swap(
  /<meta charset="utf-8" \/>/,
  `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />\n    <meta name="headroom-build" content="single" />`,
  '<meta charset>',
);
const data = [
  ['headroom-wasm', read(appWasm)],
  ['headroom-lab-js', read(labJs)],
  ['headroom-lab-wasm', read(labWasm)],
  ...parts.map((file) => [`headroom-part-${file}`, read(file)]),
]
  .map(([id, bytes]) => `<script type="application/octet-stream" id="${id}">${packed(bytes)}</script>`)
  .join('\n');
swap(/<\/body>/, () => `${data}\n</body>`, '</body>');

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
const kb = (n) => `${(n / 1000).toFixed(0)} KB`;
const size = Buffer.byteLength(html);
console.log(`wrote ${out}: ${kb(size)} (${kb(gzipSync(html).length)} gzip); open it from disk, no server needed`);
