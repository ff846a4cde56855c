// Splits the app's wasm into the module every page needs and one module per
// secondary page, fetched when that page is first shown (docs/hosting.md,
// "Download size"). Called by scripts/csp.mjs, the Trunk post-build hook, before
// anything else, in every profile.
//
// Trunk builds the app with `--features split` (index.html): each secondary
// page's view is then a split point (src/lazy_pages.rs), an import the wasm
// cannot run as built. This step takes cargo's module (linked with
// `--emit-relocs`, build.rs), splits it at those points with
// wasm-split-cli (wasm_split_cli_support, installed by scripts/setup.sh), runs
// wasm-bindgen over the main part and, in a release build, wasm-opt over every
// part, and puts the result in place of what Trunk wrote: the same script and
// wasm names, the page modules and their loader named by their content's hash.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const WASM_FEATURES = [
  '--enable-simd',
  '--enable-bulk-memory',
  '--enable-bulk-memory-opt',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
];

const INSTANTIATE = `const headroomInstantiate = async (source, imports) => {
    const response = await source;
    if (!response.ok) throw new Error(\`\${response.url}: HTTP \${response.status}\`);
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    if (type === 'application/wasm') return WebAssembly.instantiateStreaming(response, imports);
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
};
`;

const die = (message) => {
  console.error(`split.mjs: ${message}`);
  process.exit(1);
};
const run = (tool, args) => {
  try {
    execFileSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    die(`${tool} ${args.join(' ')} failed:\n${e.stderr ?? e.message}`);
  }
};
const hash16 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

export function split({ staging, profile, sourceDir }) {
  const script = readdirSync(staging).find((f) => /^headroom-[0-9a-f]+\.js$/.test(f));
  if (!script) die(`no headroom-….js in ${staging}`);
  const stem = script.slice(0, -'.js'.length);
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(sourceDir, 'target');
  const raw = join(targetDir, 'wasm32-unknown-unknown', profile === 'release' ? 'release' : 'debug', 'headroom.wasm');

  const work = mkdtempSync(join(tmpdir(), 'headroom-split-'));
  try {
    // The main part keeps Trunk's names: index.html already points at them.
    run('wasm-split-cli', ['--out-name', stem, raw, work]);
    const parts = readdirSync(work).filter((f) => f.endsWith('.wasm') && f !== `${stem}.wasm`);
    if (parts.length === 0) die(`${raw} has no split points: was it built with --features split?`);
    const bindgen = join(work, 'bindgen');
    run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--out-name', stem, '--out-dir', bindgen, join(work, `${stem}.wasm`)]);
    const mainWasm = join(bindgen, `${stem}_bg.wasm`);
    // The main part with its names, before wasm-opt: what `make size` takes apart.
    writeFileSync(join(dirname(raw), 'headroom-main.wasm'), readFileSync(mainWasm));
    if (profile === 'release') {
      for (const file of [mainWasm, ...parts.map((p) => join(work, p))]) {
        run('wasm-opt', ['-Oz', ...WASM_FEATURES, file, '-o', file]);
      }
    }

    // Page modules and their loader, named by content, so that a cache never
    // serves one build's part to another build's main module.
    let loader = readFileSync(join(work, '__wasm_split.js'), 'utf8');
    // Compile while downloading only when the server says application/wasm (as
    // wasm-bindgen's own loader does): portals that send .wasm as another type
    // still get every page.
    const streaming = 'WebAssembly.instantiateStreaming(src, imports)';
    if (!loader.includes(streaming)) die('the loader does not instantiate its modules as this script expects');
    loader = loader.replaceAll(streaming, 'headroomInstantiate(src, imports)');
    loader = loader.replace(/^(import [^\n]*\n)/, `$1${INSTANTIATE}`);
    if (!loader.includes('const headroomInstantiate')) die('the loader does not start with an import');
    for (const part of parts) {
      const bytes = readFileSync(join(work, part));
      const named = `${part.slice(0, -'.wasm'.length)}-${hash16(bytes)}.wasm`;
      const reference = `"./${part}"`;
      if (!loader.includes(reference)) die(`the loader does not name ${part}`);
      loader = loader.replaceAll(reference, `"./${named}"`);
      writeFileSync(join(staging, named), bytes);
    }
    const loaderName = `split-loader-${hash16(loader)}.js`;
    writeFileSync(join(staging, loaderName), loader);
    let glue = readFileSync(join(bindgen, `${stem}.js`), 'utf8');
    // Only the import statements: the wasm's own import module keeps its name.
    if (!glue.includes('from "./__wasm_split.js"')) die(`${stem}.js does not import the loader`);
    glue = glue.replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`);
    writeFileSync(join(staging, `${stem}.js`), glue);
    writeFileSync(join(staging, `${stem}_bg.wasm`), readFileSync(mainWasm));

    // index.html: the replaced files' integrity hashes, and the loader fetched
    // beside the app's script instead of after it.
    const page = join(staging, 'index.html');
    let html = readFileSync(page, 'utf8');
    for (const file of [`${stem}.js`, `${stem}_bg.wasm`]) {
      const sri = `sha384-${createHash('sha384').update(readFileSync(join(staging, file))).digest('base64')}`;
      const link = new RegExp(`(href="\\./${file.replaceAll('.', '\\.')}"[^>]*integrity=")[^"]*(")`);
      if (!link.test(html)) die(`index.html has no link to ${file} with an integrity hash`);
      html = html.replace(link, `$1${sri}$2`);
    }
    const sri = `sha384-${createHash('sha384').update(loader).digest('base64')}`;
    const preload = `<link rel="modulepreload" href="./${stem}.js"`;
    if (!html.includes(preload)) die(`index.html has no module preload of ${stem}.js`);
    html = html.replace(preload, `<link rel="modulepreload" href="./${loaderName}" crossorigin="anonymous" integrity="${sri}">${preload}`);
    writeFileSync(page, html);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
