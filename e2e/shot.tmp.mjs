import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
p.on('console', m => console.log('console', m.type(), m.text()));
await p.goto(process.argv[2]);
await p.getByTestId(process.env.WAIT ?? 'tf-total').waitFor();
if (process.argv[4]) { await eval(process.argv[4]); }
const y = Number(process.argv[5] ?? 0);
await p.evaluate((y) => window.scrollTo(0, y), y);
await p.waitForTimeout(200);
await p.screenshot({ path: process.argv[3] });
await b.close();
