// End-to-end: search, artifact page and timeline, restricted records,
// curator work (create, upload a PDF, find it), custody bundle verification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { base, api, until, launch, newPage, login, shot, minimalPdf, outDir } from './helpers.mjs';

let browser;
let publicId;
let secretId;
const secretWord = 'quetzalcoatlite';

before(async () => {
  browser = await launch();
  const pub = await api('curator', 'POST', '/api/v1/artifacts', {
    title: 'Bronze statuette of a <script>dancer</script>',
    object_type: 'statuette',
    status: 'seized',
    materials: ['bronze'],
    country_of_origin: 'GR',
    description: 'A dancing figure with raised arms.',
    provenance_text: 'Private collection, Athens, by 1950; sold at Sotheby\'s London, 12 June 1972, lot 45, to John Smith, New York; by descent to his son, 1990-2005; seized by customs, 2019.',
  });
  assert.equal(pub.status, 201, pub.text);
  publicId = pub.json.id;
  const secret = await api('admin', 'POST', '/api/v1/artifacts', {
    title: `Limestone stele ${secretWord}`,
    object_type: 'stele',
    status: 'in_litigation',
    visibility: 'restricted',
    materials: ['limestone'],
  });
  assert.equal(secret.status, 201, secret.text);
  secretId = secret.json.id;
  await until('the index', async () => {
    const r = await api('admin', 'GET', `/api/v1/search?q=${secretWord}`);
    return r.json && r.json.total >= 1;
  });
});

after(async () => { await browser?.close(); });

test('search, open an artifact and see its timeline', async () => {
  const page = await newPage(browser);
  await page.goto(base + '/');
  await page.getByLabel('Search words').fill('bronze statuette');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/\?q=bronze/);
  const hit = page.locator('.hit h3 a').first();
  assert.match(await hit.innerText(), /Bronze statuette of a <script>dancer<\/script>/);
  assert.equal(await page.locator('.hit mark').count() > 0, true, 'matched words are marked');
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
  await shot(page, '01-search');
  await hit.click();
  await page.waitForURL(new RegExp('/artifacts/' + publicId));
  const svg = page.locator('svg#timeline');
  await svg.waitFor();
  assert.ok(await page.locator('svg#timeline .tl-bar').count() >= 3, 'one bar per period');
  assert.ok(await page.locator('svg#timeline .tl-gap').count() >= 1, 'the gap is marked');
  assert.match(await page.locator('svg#timeline .tl-gap title').first().textContent(), /Gap in provenance/);
  assert.ok(await page.locator('.flag').count() >= 1, 'flags are listed');
  await shot(page, '02-artifact');
  // Phone width: still usable, no horizontal scrolling of the page itself.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(base + '/?q=bronze');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, 'no horizontal overflow at 375px, got ' + overflow);
  await shot(page, '03-search-phone');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('anonymous never sees a restricted record, even in facet counts', async () => {
  const page = await newPage(browser);
  await page.goto(base + '/?q=' + secretWord);
  assert.equal(await page.locator('#total').innerText(), '0');
  await page.goto(base + '/');
  const html = await page.content();
  assert.ok(!html.includes(secretWord), 'restricted title absent');
  assert.ok(!html.toLowerCase().includes('in litigation'), 'restricted status absent from facets');
  assert.ok(!html.includes('limestone'), 'restricted material absent from facets');
  const resp = await page.goto(base + '/artifacts/' + secretId);
  assert.equal(resp.status(), 404);
  await page.context().close();
  // The investigator sees it.
  const inv = await newPage(browser);
  await login(inv, 'investigator');
  await inv.goto(base + '/?q=' + secretWord);
  assert.equal(await inv.locator('#total').innerText(), '1');
  assert.match(await inv.locator('[data-facet="status"]').innerText(), /in litigation/);
  await shot(inv, '04-search-investigator');
  await inv.context().close();
});

test('curator creates an artifact, uploads a PDF and finds it by a word in it', async () => {
  const page = await newPage(browser);
  await login(page, 'curator');
  assert.match(await page.locator('.who').innerText(), /curator/);
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  // Without the CSRF header the session may not write through the API.
  const refused = await page.evaluate(async () => (await fetch('/api/v1/artifacts', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"title":"x","object_type":"y"}',
  })).status);
  assert.equal(refused, 403);
  const created = await page.evaluate(async (csrf) => {
    const r = await fetch('/api/v1/artifacts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({
        title: 'Attic red-figure kylix', object_type: 'kylix', status: 'in_collection',
        materials: ['terracotta'], country_of_origin: 'GR',
        provenance_text: 'Excavated at Vulci, 1828; Lucien Bonaparte, Canino, 1828-1840; sold to the museum, 1841.',
      }),
    });
    return { status: r.status, body: await r.json() };
  }, csrf);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  const pdf = minimalPdf(['Commercial invoice 4411', 'One kylix, zanzibarite glaze, shipped from Piraeus']);
  const upload = await page.evaluate(async ({ id, csrf, bytes }) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'invoice.pdf');
    form.append('kind', 'invoice');
    const r = await fetch(`/api/v1/artifacts/${id}/documents`, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: form });
    return { status: r.status, body: await r.text() };
  }, { id, csrf, bytes: [...pdf] });
  assert.ok(upload.status === 201 || upload.status === 200, upload.body);
  await until('the PDF text in search', async () => {
    await page.goto(base + '/?q=zanzibarite');
    return (await page.locator('.hit').count()) > 0;
  }, 30000);
  assert.match(await page.locator('.hit h3 a').first().innerText(), /kylix/);
  assert.match(await page.locator('.docref').first().innerText(), /page 1/);
  await shot(page, '05-search-document-hit');
  await page.goto(base + '/artifacts/' + id);
  assert.equal(await page.locator('.docs img').count(), 1, 'document thumbnail');
  await shot(page, '06-artifact-curator');
  await page.context().close();
});

test('custody bundle verifies in the browser; a tampered copy fails naming the check', async () => {
  const vkey = (await api(null, 'GET', '/api/v1/log/key')).text.trim();
  for (const event of ['seizure', 'repatriation']) {
    const r = await api('curator', 'POST', `/api/v1/artifacts/${publicId}/custody`, {
      event, actor: 'Hellenic Customs, Piraeus', location: 'Piraeus', notes: event + ' recorded',
    });
    assert.equal(r.status, 201, r.text);
  }
  await until('a checkpoint covering the entries', async () => {
    const r = await api(null, 'GET', `/api/v1/artifacts/${publicId}/custody`);
    return r.json.entries.length === 2 && r.json.entries.every((e) => e.included_in_checkpoint);
  });
  const page = await newPage(browser);
  await page.goto(base + '/artifacts/' + publicId);
  assert.equal(await page.locator('.custody li').count(), 2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bundle-link').click()]);
  const bundlePath = path.join(outDir, 'bundle.zip');
  await download.saveAs(bundlePath);
  await shot(page, '07-artifact-custody');

  // The verification makes no request to our server.
  const requests = [];
  await page.goto(base + '/verify');
  page.on('request', (r) => requests.push(r.url()));
  await page.locator('#bundle').setInputFiles(bundlePath);
  await page.getByLabel('Pinned verifier key').fill(vkey);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('#verdict[data-valid]').waitFor();
  assert.equal(await page.locator('#verdict').getAttribute('data-valid'), 'true',
    await page.locator('#checks').innerText());
  for (const name of ['checkpoint signature', 'entry 0 signature', 'entry 1 signature', 'chain',
    'entry 0 inclusion proof', 'entry 1 inclusion proof', 'record hash']) {
    assert.equal(await page.locator(`li[data-check="${name}"]`).getAttribute('data-state'), 'pass', name);
  }
  assert.deepEqual(requests, [], 'no request during verification');
  await shot(page, '08-verify-pass');

  // Tamper with entry 1 (a STORED zip: the note's bytes are in the clear).
  const bytes = readFileSync(bundlePath);
  const at = bytes.indexOf(Buffer.from('repatriation recorded'));
  assert.ok(at > 0);
  bytes[at] = 'R'.charCodeAt(0);
  const tampered = path.join(outDir, 'bundle-tampered.zip');
  writeFileSync(tampered, bytes);
  await page.locator('#bundle').setInputFiles(tampered);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForFunction(() => document.querySelector('#verdict')?.dataset.valid === 'false');
  assert.equal(await page.locator('li[data-check="entry 1 signature"]').getAttribute('data-state'), 'fail');
  assert.match(await page.locator('li[data-check="entry 1 signature"]').innerText(), /FAIL entry 1 signature/);
  await shot(page, '09-verify-tampered');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('log and login pages render; a wrong password is refused', async () => {
  const page = await newPage(browser);
  await page.goto(base + '/log');
  assert.match(await page.locator('#vkey').innerText(), /\+[0-9a-f]{8}\+/);
  await shot(page, '10-log');
  await page.goto(base + '/login');
  await page.getByLabel('User name').fill('curator');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await page.locator('[role=alert]').innerText(), /wrong/);
  await shot(page, '11-login-error');
  await page.context().close();
});
