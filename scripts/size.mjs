// `make size`: what a visit downloads, file by file, raw and gzip (level 9, as a
// static server compresses), with the first page's total against the goal; then
// what the app's main wasm module (the one the first page loads) is made of, from
// twiggy on that module before wasm-opt (which strips the names; scripts/split.mjs
// keeps it): bytes per crate, the largest items and the generic functions copied
// most often; then the floor: the engine alone (crates/sizing/examples/first_page_floor.rs,
// built by `make size`) through the same wasm-opt, which no view code can go below.
// Markdown on standard output.
//
//   node scripts/size.mjs [--dir dist] [--wasm target/wasm32-unknown-unknown/release/headroom-main.wasm]
//                         [--floor target/wasm32-unknown-unknown/release/examples/first_page_floor.wasm]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dir = arg('--dir', 'dist');
const wasmPath = arg('--wasm', 'target/wasm32-unknown-unknown/release/headroom-main.wasm');
const floorPath = arg('--floor', null);
const GOAL = 250_000;

const group = (n) => Math.round(n).toLocaleString('en-US');
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const share = (n, total) => `${((n * 100) / total).toFixed(1)} %`;

if (!existsSync(join(dir, 'index.html'))) {
  console.error(`size.mjs: no ${dir}/index.html (run trunk build --release first)`);
  process.exit(1);
}

// ---- 1. Files -------------------------------------------------------------
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d).sort()) {
    const path = join(d, name);
    if (statSync(path).isDirectory()) walk(path);
    else {
      const bytes = readFileSync(path);
      files.push({ name: relative(dir, path).split(sep).join('/'), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    }
  }
};
walk(dir);

// What the first page loads: index.html and everything it names (scripts,
// stylesheet, icon, manifest, preloads), the files its start-up script imports,
// and the service worker it registers. The kernel lab's worker is fetched when
// the lab runs; the service worker also fetches it (and the rest) in the
// background after the first page has shown, for offline use.
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const named = new Set(['index.html']);
for (const m of html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)) named.add(m[1]);
for (const name of [...named]) {
  if (!name.endsWith('.js')) continue;
  const body = readFileSync(join(dir, name), 'utf8');
  // The split loader names every page's module; each is fetched when its page is
  // first shown (scripts/split.mjs).
  if (name.startsWith('split-loader-')) continue;
  for (const m of body.matchAll(/['"]\.\/([^'"]+\.(?:js|wasm))['"]/g)) {
    if (existsSync(join(dir, m[1]))) named.add(m[1]);
  }
  if (/serviceWorker[\s\S]*register\(['"]\.\/sw\.js['"]\)/.test(body)) named.add('sw.js');
}
const when = (f) =>
  named.has(f.name)
    ? 'first page'
    : f.name.startsWith('lab-worker')
      ? 'kernel lab (on demand)'
      : /^(split_|chunk_)/.test(f.name)
        ? 'a secondary page, when first shown'
        : 'background (offline copy)';

const out = [];
const say = (line = '') => out.push(line);
say('# Download size');
say();
say(`The release build in \`${dir}/\`: every file, raw and gzip (level 9, as a static server sends it).`);
say('"First page" files are what the first visit needs to show the default result; the service worker');
say('then copies every file in the background for offline use, the secondary pages fetch their modules when first');
say('shown (`split_…` and the `chunk_…` they share), and the kernel lab fetches its worker when it runs.');
say();
say('| File | Raw bytes | gzip bytes | Loaded |');
say('| --- | ---: | ---: | --- |');
for (const f of files) say(`| ${f.name} | ${group(f.raw)} | ${group(f.gzip)} | ${when(f)} |`);
const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
const first = files.filter((f) => named.has(f.name));
say(`| **all files** | **${group(sum(files, 'raw'))}** | **${group(sum(files, 'gzip'))}** | |`);
say();
const firstGzip = sum(first, 'gzip');
say(`First page: ${first.length} files, ${group(sum(first, 'raw'))} B raw, **${group(firstGzip)} B gzip** (${kb(firstGzip)}); goal ≤ ${kb(GOAL)}: ${firstGzip <= GOAL ? 'met' : `**not met** (${kb(firstGzip - GOAL)} over)`}.`);
for (const missing of [...named].filter((n) => !files.some((f) => f.name === n))) {
  say(`Warning: index.html names ${missing}, which is not in ${dir}/.`);
}

// ---- 2. The wasm by crate (twiggy) -------------------------------------------
say();
say('## What the app\'s main wasm module is made of');
say();
let twiggy = null;
try {
  execFileSync('twiggy', ['--version'], { stdio: 'ignore' });
  twiggy = (...a) => execFileSync('twiggy', a, { encoding: 'utf8', maxBuffer: 256 << 20 });
} catch {
  say('twiggy is not installed (`cargo install twiggy --locked`); `make size` installs it.');
}
if (twiggy && !existsSync(wasmPath)) {
  say(`No ${wasmPath}: build the release first.`);
  twiggy = null;
}
if (twiggy) {
  // RFC 4180 rows of twiggy's CSV.
  const rows = [];
  const text = twiggy('top', '-n', '1000000', '-f', 'csv', wasmPath);
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  const items = rows.slice(1).filter((r) => r.length >= 2).map(([name, bytes]) => ({ name, bytes: Number(bytes) }));
  // Sections wasm-opt and wasm-bindgen remove from what is shipped.
  const dropped = (n) => /subsection$|^custom section/.test(n);
  const kept = items.filter((i) => !dropped(i.name) && !/^Σ|^\.\.\. and/.test(i.name));
  const crateOf = (name) => {
    if (/^data segment|^data\[/.test(name)) return 'data (strings, tables, the bundled catalog and zoo)';
    if (/^__wbg|^__wbindgen|wasm_bindgen/.test(name)) return 'wasm-bindgen glue';
    if (/^(code|func)\[|^table\[|^elem\[|^global\[|^type\[|^import |^export |^memory\[|wasm magic|^"/.test(name)) return 'wasm structure (types, tables, imports, exports)';
    // `<crate::Type as Trait>::f` belongs to the type's crate; `<T as crate::Trait>::f`
    // (a blanket impl) to the trait's; `<str>::f` and other primitives to core.
    const crate = (path) => {
      const m = path
        .replace(/^(?:[&*\[\s]|mut\s|const\s|dyn\s|impl\s)+/, '')
        .match(/^([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?(::|>|$| as )/);
      if (!m) return null;
      if (/^(str|f32|f64|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|bool|char)$/.test(m[1])) return 'core';
      return m[2] === '::' ? m[1] : null;
    };
    if (name.startsWith('<')) {
      const as = name.indexOf(' as ');
      return crate(name.slice(1)) ?? (as > 0 ? crate(name.slice(as + 4)) : null) ?? 'other';
    }
    return crate(name) ?? 'other';
  };
  const byCrate = new Map();
  for (const i of kept) byCrate.set(crateOf(i.name), (byCrate.get(crateOf(i.name)) ?? 0) + i.bytes);
  const total = sum(kept, 'bytes');
  const shipped = files.find((f) => /^headroom-[0-9a-f]+_bg\.wasm$/.test(f.name));
  say(`The module the first page loads (the secondary pages' modules are listed above). twiggy on \`${wasmPath}\``);
  say(`(${group(statSync(wasmPath).size)} B, of which ${group(total)} B of code and data; the names and`);
  say(`wasm-bindgen's section are dropped on the way)${shipped ? `; wasm-opt then makes ${group(shipped.raw)} B (${group(shipped.gzip)} B gzip) of it` : ''}.`);
  say('Shares are of the code and data before wasm-opt. A generic function is counted in the crate that defines it, wherever it is used.');
  say();
  say('| Crate | Bytes | Share |');
  say('| --- | ---: | ---: |');
  for (const [crate, bytes] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    say(`| ${crate} | ${group(bytes)} | ${share(bytes, total)} |`);
  }
  say();
  say('Largest items:');
  say();
  say('| Item | Bytes |');
  say('| --- | ---: |');
  for (const i of [...kept].sort((a, b) => b.bytes - a.bytes).slice(0, 15)) {
    say(`| \`${i.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\|/g, '\\|')}\` | ${group(i.bytes)} |`);
  }
  say();
  say('Generic functions with the most copies (twiggy monos: bytes beyond one copy):');
  say();
  say('| Generic function | Copies\' bytes | Beyond one copy |');
  say('| --- | ---: | ---: |');
  for (const line of twiggy('monos', '-n', '12', wasmPath).split('\n')) {
    const cells = line.split('┊').map((c) => c.trim());
    if (cells.length !== 5 || !cells[0] || /^\.\.\.|^Σ/.test(cells[4])) continue;
    say(`| \`${cells[4].replace(/\|/g, '\\|')}\` | ${group(Number(cells[2]))} | ${group(Number(cells[0]))} |`);
  }
}

// ---- 3. The floor: the engine alone ---------------------------------------------
if (floorPath) {
  say();
  say('## The engine alone');
  say();
  if (!existsSync(floorPath)) {
    say(`No ${floorPath}: \`make size\` builds it.`);
  } else {
    // The same wasm-opt as the app's modules (scripts/split.mjs).
    const tmp = mkdtempSync(join(tmpdir(), 'floor-'));
    const opt = join(tmp, 'floor.wasm');
    const features = readFileSync(new URL('./split.mjs', import.meta.url), 'utf8')
      .match(/const WASM_FEATURES = \[([^\]]*)\]/)[1]
      .match(/'[^']+'/g)
      .map((f) => f.slice(1, -1));
    execFileSync('wasm-opt', ['-Oz', ...features, '--strip-debug', '--strip-producers', floorPath, '-o', opt]);
    const bytes = readFileSync(opt);
    rmSync(tmp, { recursive: true });
    const gz = gzipSync(bytes, { level: 9 }).length;
    say('`crates/sizing/examples/first_page_floor.rs`: read a scenario and size it with the bundled');
    say('catalog, as the first page does, with no view code, no words and no units. After wasm-opt');
    say(`\`-Oz\`: ${group(bytes.length)} B raw, **${group(gz)} B gzip** (${kb(gz)}), ${gz <= GOAL ? 'within' : `${kb(gz - GOAL)} over`} the first-visit goal of ${kb(GOAL)}`);
    say('before any of the page is drawn.');
  }
}
console.log(out.join('\n'));
