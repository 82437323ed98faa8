// End-to-end: the curator forms (new record with a live provenance preview,
// edit with a stale version, document upload with and without JavaScript,
// custody entry), the document viewer with highlighted words, the admin
// users page, and phone-width layouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { base, api, until, launch, newPage, login, shot, minimalPdf, outDir } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const provenance = 'Excavated at Vulci, 1828; Lucien Bonaparte, Canino, 1828-1840; ' +
  'Edward Gerhard, Berlin, 1845-1860; sold to the museum, 1872.';

// Every visible form control has a label (or an aria-label), and the page
// has exactly one h1.
async function labelled(page, what) {
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') &&
      !(e.tagName === 'BUTTON' && e.textContent.trim()))
    .map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, [], what + ': unlabelled controls');
  assert.equal(await page.locator('h1').count(), 1, what + ': one h1');
}

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${what}: no horizontal overflow at 375px, got ${overflow}`);
}

test('curator creates a record through the form, uploads a PDF, finds it and opens the viewer', async () => {
  const page = await newPage(browser);
  await login(page, 'curator');
  await page.getByRole('link', { name: 'New record' }).click();
  await page.waitForURL(base + '/artifacts/new');
  await labelled(page, 'new record form');
  // Invalid first: messages next to the fields, input kept.
  await page.getByLabel('Type of object').fill('hydria');
  await page.getByLabel('Country of origin').fill('XX');
  await page.getByLabel('Earliest year').fill('about 500');
  await page.getByRole('button', { name: 'Create record' }).click();
  await page.locator('#form-errors').waitFor();
  assert.match(await page.locator('#title-error').innerText(), /Title must not be empty/);
  assert.match(await page.locator('#country_of_origin-error').innerText(), /ISO 3166-1/);
  assert.match(await page.locator('#date-error').innerText(), /whole numbers/);
  assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Type of object').inputValue(), 'hydria', 'input re-shown');
  await shot(page, '20-new-record-errors');
  // (Chromium logs the 400 answer of the invalid form as a console error.)
  page.errors.length = 0;

  const title = 'Attic black-figure hydria <i>Vulci</i>';
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Type of object').fill('hydria');
  await page.getByLabel('Status').selectOption('in_collection');
  await page.getByLabel('Materials').fill('terracotta, slip');
  await page.getByLabel('Country of origin').fill('IT');
  await page.getByLabel('As written').fill('c. 520 BCE');
  await page.getByLabel('Earliest year').fill('-530');
  await page.getByLabel('Latest year').fill('-510');
  await page.getByLabel('Identifiers').fill('inventory_number: F 1890.44');
  await page.getByLabel('Provenance text').fill(provenance);
  // The live preview: parsed periods and a timeline, without saving.
  await page.locator('#preview-periods li').nth(3).waitFor();
  assert.equal(await page.locator('#preview-periods li').count(), 4);
  assert.ok(await page.locator('#preview-timeline svg .tl-bar').count() >= 4);
  await shot(page, '21-new-record-preview');
  await page.getByRole('button', { name: 'Create record' }).click();
  await page.waitForURL(/\/artifacts\/[a-z0-9]+\?saved=1/);
  const id = new URL(page.url()).pathname.split('/').pop();
  assert.match(await page.locator('#notice').innerText(), /Saved/);
  assert.equal(await page.locator('h1').innerText(), title, 'title shown as text');
  assert.equal(await page.locator('svg#timeline .tl-bar').count(), 4, 'one bar per period');
  // Labels sit in their own column left of the axis: none overlaps another.
  const boxes = await page.locator('svg#timeline .tl-label').evaluateAll((els) => els.map((e) => {
    const b = e.getBBox(); return { x: b.x, y: b.y, w: b.width, h: b.height };
  }));
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].y >= boxes[i - 1].y + boxes[i - 1].h - 0.5, 'labels do not overlap');
  const axisX = Number(await page.locator('svg#timeline .tl-axis').getAttribute('x1'));
  for (const b of boxes) assert.ok(b.x + b.w <= axisX, 'label left of the time axis');

  // Upload through the form (JavaScript on: progress bar, then the page).
  const pdfPath = path.join(outDir, 'form-invoice.pdf');
  writeFileSync(pdfPath, minimalPdf(['Commercial invoice 7731', 'One hydria, xanthoperlite handles, via Livorno']));
  await page.getByLabel('Kind of document').selectOption('invoice');
  await page.getByLabel(/^Date of the document/).fill('1872-05-02');
  await page.getByLabel(/^File/).setInputFiles(pdfPath);
  await shot(page, '22-upload-form');
  await Promise.all([
    page.waitForURL(/uploaded=[0-9a-f]{64}/),
    page.getByRole('button', { name: 'Upload' }).click(),
  ]);
  assert.match(await page.locator('#notice').innerText(), /Document uploaded/);
  assert.equal(await page.locator('.docs img').count(), 1);

  // Find it by a word that is only in the PDF.
  await until('the PDF text in search', async () => {
    await page.goto(base + '/?q=xanthoperlite');
    return (await page.locator('.hit').count()) > 0;
  }, 30000);
  assert.match(await page.locator('.docref').first().innerText(), /invoice, page 1/i);
  await page.locator('.docref a').first().click();
  await page.waitForURL(/\/documents\/[0-9a-f]{64}\?q=xanthoperlite/);
  const marks = page.locator('.page-text mark');
  assert.equal(await marks.count(), 1);
  assert.equal(await marks.first().innerText(), 'xanthoperlite');
  assert.match(await page.locator('#match-count').innerText(), /1 match/);
  assert.equal(await page.locator('.doc-image img').count(), 1, 'page image');
  assert.match(await page.locator('#fixity').innerText(), /fixity/);
  assert.equal(await page.getByRole('link', { name: title }).count(), 1, 'link back to the record');
  await page.locator('.doc-image img').evaluate((img) => img.decode().catch(() => {}));
  await labelled(page, 'document viewer');
  await shot(page, '23-document-viewer');
  await page.setViewportSize({ width: 375, height: 800 });
  await noOverflow(page, 'document viewer');
  await shot(page, '24-document-viewer-phone');
  await page.goto(base + '/artifacts/' + id);
  await noOverflow(page, 'artifact page');
  await shot(page, '25-artifact-phone');
  await page.goto(base + '/artifacts/' + id + '/edit');
  await noOverflow(page, 'edit form');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a stale edit shows who saved first and keeps the input', async () => {
  const created = await api('curator', 'POST', '/api/v1/artifacts', {
    title: 'Bronze mirror', object_type: 'mirror', materials: ['bronze'],
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const mine = await newPage(browser);
  await login(mine, 'curator');
  await mine.goto(base + `/artifacts/${id}`);
  await mine.locator('#edit-link').click();
  await mine.waitForURL(base + `/artifacts/${id}/edit`);
  assert.equal(await mine.locator('input[name=version]').inputValue(), '1');
  // Meanwhile someone else saves version 2.
  const r = await fetch(base + `/api/v1/artifacts/${id}`, {
    method: 'PUT',
    headers: { Authorization: 'Bearer ' + process.env.CUSTOS_ADMIN_TOKEN, 'Content-Type': 'application/json', 'If-Match': '"1"' },
    body: JSON.stringify({ title: 'Bronze mirror with handle', object_type: 'mirror', materials: ['bronze'] }),
  });
  assert.equal(r.status, 200, await r.text());
  await mine.getByLabel('Description').fill('Disc with a <b>palmette</b> on the back.');
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await mine.locator('#conflict').waitFor();
  const text = await mine.locator('#conflict').innerText();
  assert.match(text, /Someone else saved first/);
  assert.match(text, /admin saved version 2/);
  assert.match(text, /They changed: title/);
  assert.match(text, /not been saved/);
  assert.equal(await mine.getByLabel('Description').inputValue(), 'Disc with a <b>palmette</b> on the back.');
  assert.equal(await mine.locator('#conflict a').getAttribute('href'), `/artifacts/${id}`);
  await shot(mine, '26-edit-conflict');
  // Saving again, knowingly, replaces version 2.
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await mine.waitForURL(new RegExp(`/artifacts/${id}\\?saved=3`));
  assert.match(await mine.locator('.description').innerText(), /palmette/);
  await mine.context().close();
});

test('adding a custody entry through the form', async () => {
  const created = await api('curator', 'POST', '/api/v1/artifacts', {
    title: 'Gold stater of Lydia', object_type: 'coin', status: 'seized', materials: ['gold'],
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const page = await newPage(browser);
  await login(page, 'curator');
  await page.goto(base + `/artifacts/${id}`);
  await page.getByRole('link', { name: 'Add custody entry' }).click();
  await page.waitForURL(base + `/artifacts/${id}/custody`);
  await labelled(page, 'custody form');
  // Missing actor and location: both named.
  await page.getByRole('button', { name: 'Add custody entry' }).click();
  // (required fields: the browser blocks the submit; send it without the check)
  if (page.url().endsWith('/custody')) {
    await page.locator('#custody-form').evaluate((f) => { f.noValidate = true; });
    await page.getByRole('button', { name: 'Add custody entry' }).click();
  }
  await page.locator('#form-errors').waitFor();
  assert.match(await page.locator('#c-actor-error').innerText(), /who holds/);
  assert.match(await page.locator('#c-location-error').innerText(), /where/);
  await page.getByLabel('Event').selectOption('seizure');
  await page.getByLabel(/^Actor/).fill('Carabinieri TPC, Rome');
  await page.getByLabel(/^Location/).fill('Rome');
  await page.getByLabel(/^Time/).fill('2024-03-05T09:30');
  await page.getByLabel('Notes').fill('Seized at a <dealer> in Via Margutta.');
  await shot(page, '27-custody-form');
  await page.getByRole('button', { name: 'Add custody entry' }).click();
  await page.waitForURL(new RegExp(`/artifacts/${id}\\?custody=0`));
  assert.match(await page.locator('#notice').innerText(), /Custody entry added/);
  const entry = page.locator('.custody li').first();
  assert.match(await entry.innerText(), /seizure by Carabinieri TPC, Rome at Rome/i);
  assert.match(await entry.innerText(), /Seized at a <dealer>/);
  assert.match(await entry.innerText(), /signature valid/);
  const listed = await api(null, 'GET', `/api/v1/artifacts/${id}/custody`);
  assert.equal(listed.json.entries[0].entry.time, '2024-03-05T09:30:00Z');
  await shot(page, '28-artifact-custody-added');
  await page.context().close();
});

test('without JavaScript: create a record and upload a document with plain forms', async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await login(page, 'curator');
  await page.goto(base + '/artifacts/new');
  await page.getByLabel('Title').fill('Marble head of Athena');
  await page.getByLabel('Type of object').fill('head');
  await page.getByLabel('Provenance text').fill('Private collection, Geneva, by 1965; sold to the museum, 1990.');
  await page.getByRole('button', { name: 'Create record' }).click();
  await page.waitForURL(/\/artifacts\/[a-z0-9]+\?saved=1/);
  assert.ok(await page.locator('svg#timeline .tl-bar').count() >= 2);
  const pdfPath = path.join(outDir, 'form-photo-note.pdf');
  writeFileSync(pdfPath, minimalPdf(['Export licence 55/1965']));
  await page.getByLabel('Kind of document').selectOption('export_licence');
  await page.getByLabel(/^File/).setInputFiles(pdfPath);
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/uploaded=[0-9a-f]{64}/);
  assert.equal(await page.locator('.docs img').count(), 1);
  await page.context().close();
});

test('admin adds a user who can then sign in; the token is shown once', async () => {
  const page = await newPage(browser);
  await login(page, 'admin');
  await page.getByRole('link', { name: 'Users' }).click();
  await page.waitForURL(base + '/admin/users');
  await labelled(page, 'admin users');
  assert.ok(await page.locator('tr[data-user=curator]').count() === 1);
  await page.getByLabel('User name').fill('registrar-2');
  await page.getByLabel('Role').selectOption('curator');
  await page.getByLabel(/^Browser password/).fill('a long enough password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.locator('#new-token').waitFor();
  const token = await page.getByLabel('Token', { exact: true }).inputValue();
  assert.match(token, /^cus_/);
  assert.match(await page.locator('#admin-message').innerText(), /Added registrar-2 \(curator\)/);
  await shot(page, '29-admin-user-added');
  const who = await fetch(base + '/api/v1/whoami', { headers: { Authorization: 'Bearer ' + token } });
  assert.equal((await who.json()).user, 'registrar-2');
  // Reloading the page does not show the token again.
  await page.goto(base + '/admin/users');
  assert.equal(await page.locator('#new-token').count(), 0);
  assert.ok(!(await page.content()).includes(token));
  // Disable, and the token stops working.
  await page.getByRole('button', { name: 'Disable registrar-2' }).click();
  await page.locator('#admin-message').waitFor();
  const refused = await fetch(base + '/api/v1/whoami', { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(refused.status, 401);
  await page.getByRole('button', { name: 'Enable registrar-2' }).click();
  await page.locator('#admin-message').waitFor();
  await shot(page, '30-admin-users');
  await page.setViewportSize({ width: 375, height: 800 });
  await noOverflow(page, 'admin users');
  await page.context().close();
  // The curator may not open the page.
  const cur = await newPage(browser);
  await login(cur, 'curator');
  assert.equal(await cur.getByRole('link', { name: 'Users' }).count(), 0);
  const resp = await cur.goto(base + '/admin/users');
  assert.equal(resp.status(), 403);
  await cur.context().close();
  // And the new user signs in with the password.
  const fresh = await newPage(browser);
  await fresh.goto(base + '/login');
  await fresh.getByLabel('User name').fill('registrar-2');
  await fresh.getByLabel('Password').fill('a long enough password');
  await fresh.getByRole('button', { name: 'Sign in' }).click();
  await fresh.waitForURL(base + '/');
  assert.match(await fresh.locator('.who').innerText(), /registrar-2/);
  await fresh.context().close();
});
