// custos bundle verification in the browser: the same checks, with the same
// names, as custos-verify (core/src/bundle.cc). Uses only WebCrypto
// (Ed25519 verify, SHA-256); makes no network request.
'use strict';

(function (global) {
  const enc = new TextEncoder();
  const dec = new TextDecoder('utf-8', { fatal: true });
  const subtle = global.crypto.subtle;

  function b64(s) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new Error('bad base64');
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  function concat(...parts) {
    const n = parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }
  async function sha256(bytes) {
    return new Uint8Array(await subtle.digest('SHA-256', bytes));
  }

  // ZIP (STORED entries only, as custos writes them).
  function readZip(buf) {
    const b = new Uint8Array(buf);
    const v = new DataView(buf);
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
      if (v.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
    const count = v.getUint16(eocd + 10, true);
    let p = v.getUint32(eocd + 16, true);
    const files = new Map();
    for (let n = 0; n < count; n++) {
      if (p + 46 > b.length || v.getUint32(p, true) !== 0x02014b50) throw new Error('bad central directory');
      const method = v.getUint16(p + 10, true);
      const size = v.getUint32(p + 20, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      const local = v.getUint32(p + 42, true);
      const name = dec.decode(b.subarray(p + 46, p + 46 + nameLen));
      if (method !== 0) throw new Error(name + ' is compressed (bundles use STORED entries)');
      if (v.getUint32(local, true) !== 0x04034b50) throw new Error('bad local header for ' + name);
      const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
      if (start + size > b.length) throw new Error(name + ' is truncated');
      if (files.has(name)) throw new Error('duplicate file ' + name);
      files.set(name, b.slice(start, start + size));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return files;
  }

  // Verifier keys: "name+hexid+base64(0x01 || pub32)".
  async function parseVkey(line) {
    // Names never contain '+'; the base64 key may, so split at the first two.
    const text = line.trim();
    const first = text.indexOf('+');
    const second = first < 0 ? -1 : text.indexOf('+', first + 1);
    if (first <= 0 || second < 0) throw new Error('malformed verifier key');
    const name = text.slice(0, first);
    const idHex = text.slice(first + 1, second);
    const keyB64 = text.slice(second + 1);
    const key = b64(keyB64);
    if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('malformed verifier key id');
    if (key.length !== 33 || key[0] !== 1) throw new Error('not an Ed25519 verifier key');
    const id = (await sha256(concat(enc.encode(name + '\n'), key))).slice(0, 4);
    if (hex(id) !== idHex) throw new Error('verifier key id does not match name and key');
    const pub = await subtle.importKey('raw', key.slice(1), { name: 'Ed25519' }, false, ['verify']);
    return { name, id: idHex, pub };
  }

  // C2SP signed note: text, blank line, "— name base64(id4 || sig)" lines.
  function splitNote(str) {
    const at = str.lastIndexOf('\n\n');
    if (at < 0) throw new Error('no blank line before signatures');
    const text = str.slice(0, at + 1);
    const sigBlock = str.slice(at + 2);
    if (!sigBlock.endsWith('\n')) throw new Error('signature block must end in newline');
    const sigs = [];
    for (const line of sigBlock.slice(0, -1).split('\n')) {
      if (!line.startsWith('\u2014 ')) throw new Error('signature line without em dash prefix');
      const [name, sb64] = line.slice(2).split(' ');
      const raw = b64(sb64 || '');
      if (raw.length < 5) throw new Error('bad signature line');
      sigs.push({ name, id: hex(raw.slice(0, 4)), sig: raw.slice(4) });
    }
    return { text, sigs };
  }

  async function openNote(str, keys) {
    const note = splitNote(str);
    let verified = 0;
    for (const s of note.sigs) {
      const k = keys.find((k) => k.name === s.name && k.id === s.id);
      if (!k) continue;
      const ok = await subtle.verify('Ed25519', k.pub, s.sig, enc.encode(note.text));
      if (!ok) throw new Error('invalid signature for key ' + k.name + '+' + k.id);
      verified++;
    }
    if (!verified) throw new Error('no signature by a trusted key');
    return note;
  }

  function parseCheckpoint(text) {
    const lines = text.split('\n');
    if (lines.length < 4 || lines[lines.length - 1] !== '') throw new Error('malformed checkpoint');
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error('checkpoint size is not a canonical decimal');
    const root = b64(lines[2]);
    if (root.length !== 32) throw new Error('checkpoint root is not 32 bytes');
    return { origin: lines[0], size: Number(lines[1]), root };
  }

  function parseCustody(text) {
    const nl = text.indexOf('\n');
    if (text.slice(0, nl) !== 'custos.custody/v1') throw new Error('not a custody note');
    const body = text.slice(nl + 1);
    if (!body.endsWith('\n') || body.indexOf('\n') !== body.length - 1) {
      throw new Error('custody note text must be the type line and one JSON line');
    }
    const line = body.slice(0, -1);
    return { json: line, entry: JSON.parse(line) };
  }

  function parseProof(str) {
    const lines = str.split('\n');
    let i = 0;
    if (lines[i++] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
    if (lines[i] && lines[i].startsWith('extra ')) i++;
    const m = /^index (0|[1-9][0-9]*)$/.exec(lines[i++] || '');
    if (!m) throw new Error('missing index line');
    const hashes = [];
    while (i < lines.length && lines[i] !== '') {
      const h = b64(lines[i++]);
      if (h.length !== 32) throw new Error('proof hash is not 32 bytes');
      hashes.push(h);
    }
    if (i >= lines.length) throw new Error('proof has no checkpoint');
    return { index: Number(m[1]), hashes, checkpoint: lines.slice(i + 1).join('\n') };
  }

  // RFC 9162 section 2.1.3.2.
  async function verifyInclusion(index, size, leaf, path, root) {
    if (index >= size) throw new Error('index ' + index + ' is not below tree size ' + size);
    let fn = index, sn = size - 1, r = leaf;
    const one = new Uint8Array([1]);
    for (const p of path) {
      if (sn === 0) throw new Error('proof is longer than the tree is deep');
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(one, p, r));
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await sha256(concat(one, r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error('proof is shorter than the tree is deep');
    if (!equal(r, root)) throw new Error('computed root does not match the checkpoint');
  }

  // Returns {valid, checks: [{name, state: 'pass'|'fail'|'skip', detail}]}.
  async function verifyBundle(buf, vkeyText) {
    const checks = [];
    const pass = (name, detail = '') => checks.push({ name, state: 'pass', detail });
    const fail = (name, detail) => checks.push({ name, state: 'fail', detail });
    const skip = (name, detail) => checks.push({ name, state: 'skip', detail });
    const keys = [];
    for (const line of vkeyText.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
      try { keys.push(await parseVkey(line)); } catch (e) { fail('key', e.message + ': ' + line.slice(0, 40)); }
    }
    if (!keys.length) {
      fail('key', 'paste the verifier key you trust');
      return { valid: false, checks };
    }
    let files;
    try { files = readZip(buf); } catch (e) {
      fail('bundle format', e.message);
      return { valid: false, checks };
    }
    const text = (name) => dec.decode(files.get(name));
    const notes = new Map(), proofs = new Map(), docs = new Map();
    const problems = [];
    for (const name of files.keys()) {
      let m;
      if (name === 'custos-bundle.json' || name === 'checkpoint' || name === 'record.json') continue;
      if ((m = /^entries\/([0-9]{6,})\.note$/.exec(name))) notes.set(Number(m[1]), name);
      else if ((m = /^proofs\/([0-9]{6,})\.proof$/.exec(name))) proofs.set(Number(m[1]), name);
      else if ((m = /^documents\/([0-9a-f]{64})$/.exec(name))) docs.set(m[1], name);
      else problems.push('unexpected file ' + name);
    }
    if (!files.has('custos-bundle.json')) problems.unshift('no custos-bundle.json');
    if (!files.has('checkpoint')) problems.unshift('no checkpoint');
    if (!notes.size) problems.push('no entries');
    for (const pos of proofs.keys()) if (!notes.has(pos)) problems.push(proofs.get(pos) + ' has no entry');
    if (problems.length) fail('bundle format', problems.join('; '));
    else pass('bundle format', notes.size + ' entries');

    // Checkpoint.
    let cp = null, cpTrusted = false, cpNote = null;
    if (files.has('checkpoint')) {
      cpNote = text('checkpoint');
      try {
        const n = await openNote(cpNote, keys);
        cp = parseCheckpoint(n.text);
        cpTrusted = true;
        pass('checkpoint signature', cp.origin + ' size ' + cp.size);
      } catch (e) {
        fail('checkpoint signature', e.message);
        try { cp = parseCheckpoint(splitNote(cpNote).text); } catch (_) { cp = null; }
      }
    }
    // Entries.
    const positions = [...notes.keys()].sort((a, b) => a - b);
    const entries = new Map();
    for (const pos of positions) {
      const name = 'entry ' + pos + ' signature';
      const str = text(notes.get(pos));
      try {
        const n = await openNote(str, keys);
        entries.set(pos, parseCustody(n.text));
        pass(name, 'signed by ' + keys.map((k) => k.name).filter((v, i, a) => a.indexOf(v) === i).join(', '));
      } catch (e) {
        fail(name, e.message);
        try { entries.set(pos, parseCustody(splitNote(str).text)); } catch (_) { entries.set(pos, null); }
      }
    }
    // Inclusion proofs.
    const logIndex = new Map(), used = new Set();
    for (const pos of positions) {
      const name = 'entry ' + pos + ' inclusion proof';
      if (!proofs.has(pos)) { fail(name, 'missing ' + notes.get(pos).replace('entries/', 'proofs/').replace('.note', '.proof')); continue; }
      try {
        const proof = parseProof(text(proofs.get(pos)));
        if (!cp) throw new Error('no readable checkpoint to check against');
        if (proof.checkpoint !== cpNote) throw new Error('proof is relative to a different checkpoint');
        if (used.has(proof.index)) throw new Error('log index ' + proof.index + ' claimed by two entries');
        used.add(proof.index);
        logIndex.set(pos, proof.index);
        const leaf = await sha256(concat(new Uint8Array([0]), files.get(notes.get(pos))));
        await verifyInclusion(proof.index, cp.size, leaf, proof.hashes, cp.root);
        pass(name, 'log index ' + proof.index);
      } catch (e) {
        fail(name, e.message);
      }
    }
    // Chain: one artifact, seq 0..n-1, prev = SHA-256 of the previous JSON line.
    if (positions.length) {
      const chain = positions.map((p) => entries.get(p));
      let why = null;
      const bad = positions.findIndex((p) => !entries.get(p));
      if (bad >= 0) why = 'entry ' + positions[bad] + ' is not a custody note';
      for (let i = 0; !why && i < chain.length; i++) {
        const e = chain[i].entry;
        if (e.artifact !== chain[0].entry.artifact) why = 'entry ' + i + ": artifact '" + e.artifact + "' is not '" + chain[0].entry.artifact + "'";
        else if (e.seq !== i) why = 'entry ' + i + ': seq ' + e.seq + ', expected ' + i;
        else if (i === 0 && e.prev != null) why = 'entry 0: first entry has a prev link';
        else if (i > 0 && e.prev !== hex(await sha256(enc.encode(chain[i - 1].json)))) {
          why = 'entry ' + i + ': prev does not match the hash of entry ' + (i - 1);
        }
      }
      let last = -1;
      for (const p of positions) {
        if (why || !logIndex.has(p)) continue;
        if (logIndex.get(p) <= last) why = 'entry ' + p + ' precedes an earlier entry in the log';
        last = logIndex.get(p);
      }
      if (why) fail('chain', why);
      else pass('chain', chain.length + ' entries of ' + chain[0].entry.artifact + ', seq 0..' + (chain.length - 1));
    }
    // Manifest (informational facts, cross-checked).
    if (files.has('custos-bundle.json')) {
      try {
        const m = JSON.parse(text('custos-bundle.json'));
        const p = [];
        if (m.format !== 'custos-bundle/v1') throw new Error('unsupported format (want custos-bundle/v1)');
        const first = positions.map((q) => entries.get(q)).find(Boolean);
        if (first && m.artifact !== first.entry.artifact) p.push("artifact differs from the entries'");
        if (cp && m.origin !== cp.origin) p.push("origin differs from the checkpoint's");
        if (cp && m.tree_size !== cp.size) p.push("tree_size differs from the checkpoint's");
        if (m.entry_count !== notes.size) p.push('entry_count differs from the number of entries');
        if (p.length) fail('manifest', p.join('; ')); else pass('manifest');
      } catch (e) {
        fail('manifest', e.message);
      }
    }
    // Record hash: the last repatriation entry covers record.json.
    const reps = positions.map((p) => entries.get(p)).filter((e) => e && e.entry.event === 'repatriation' && e.entry.record_sha256);
    if (!reps.length) {
      skip('record hash', 'no repatriation entry covers the record');
    } else {
      const rep = reps[reps.length - 1].entry;
      const at = 'entry ' + rep.seq;
      if (!files.has('record.json')) fail('record hash', 'record.json missing; ' + at + ' covers a record');
      else if (hex(await sha256(files.get('record.json'))) !== rep.record_sha256) fail('record hash', 'record.json does not match record_sha256 of ' + at);
      else pass('record hash', 'record.json matches ' + at + ' (repatriation)');
    }
    // Documents carried in the bundle.
    const referenced = new Set();
    for (const e of entries.values()) if (e) for (const d of e.entry.documents || []) referenced.add(d.sha256);
    for (const [sha, name] of [...docs].sort()) {
      const n = 'document ' + sha + ' hash';
      if (hex(await sha256(files.get(name))) !== sha) fail(n, 'content does not match its SHA-256');
      else if (!referenced.has(sha)) fail(n, 'not referenced by any custody entry');
      else pass(n);
    }
    const valid = !checks.some((c) => c.state === 'fail') && cpTrusted && entries.size > 0;
    return { valid, checks };
  }

  global.custosVerifyBundle = verifyBundle;

  // Page wiring.
  if (typeof document === 'undefined') return;
  document.addEventListener('DOMContentLoaded', () => {
    const form = document.getElementById('verify-form');
    if (!form) return;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const file = document.getElementById('bundle').files[0];
      const vkey = document.getElementById('vkey').value;
      const result = document.getElementById('result');
      const list = document.getElementById('checks');
      const verdict = document.getElementById('verdict');
      list.replaceChildren();
      result.hidden = false;
      if (!file) { verdict.textContent = 'Choose a bundle file.'; return; }
      verdict.textContent = 'Verifying…';
      let report;
      try {
        report = await verifyBundle(await file.arrayBuffer(), vkey);
      } catch (e) {
        report = { valid: false, checks: [{ name: 'bundle format', state: 'fail', detail: String(e.message || e) }] };
      }
      for (const c of report.checks) {
        const li = document.createElement('li');
        li.className = 'check ' + c.state;
        li.dataset.check = c.name;
        li.dataset.state = c.state;
        const label = document.createElement('strong');
        label.textContent = c.state === 'pass' ? 'ok' : c.state === 'fail' ? 'FAIL' : 'skip';
        li.append(label, ' ' + c.name + (c.detail ? ': ' + c.detail : ''));
        list.append(li);
      }
      verdict.textContent = report.valid ? 'Valid: every check passed.' : 'Not valid: see the failed checks below.';
      verdict.className = report.valid ? 'valid' : 'invalid';
      verdict.dataset.valid = String(report.valid);
    });
  });
})(typeof window !== 'undefined' ? window : globalThis);
