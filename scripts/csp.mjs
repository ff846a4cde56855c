// Trunk post-build hook (Trunk.toml): in a release build, moves every inline
// script of index.html into a file of its own (named by its content's hash) and
// adds a strict Content-Security-Policy. The page then runs no inline script and
// no eval: only its own files, and WebAssembly compiled from them.
//
// The policy, as a <meta> tag (a server can send the same as a header; see
// docs/hosting.md, which also lists what only a header can set):
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';
//   img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';
//   form-action 'none'
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
