// Document upload with a progress bar (progressive enhancement: without this
// script the form is a plain multipart POST and works the same).
'use strict';
(function () {
  const form = document.getElementById('upload-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const progress = document.getElementById('upload-progress');
  const status = document.getElementById('upload-status');
  const button = form.querySelector('button[type=submit]');

  // The message of an HTML error page from our server (its <main> text).
  function messageOf(html) {
    try {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      const p = doc.querySelector('main p:not(.muted)');
      if (p && p.textContent.trim()) return p.textContent.trim();
    } catch (e) { /* fall through */ }
    return 'The upload failed.';
  }

  form.addEventListener('submit', (event) => {
    if (!form.reportValidity()) return;
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((e.loaded / e.total) * 100);
      progress.value = pct;
      progress.textContent = pct + '%';
      status.textContent = pct < 100 ? 'Uploading… ' + pct + '%' : 'Storing and checking the file…';
    });
    xhr.addEventListener('load', () => {
      button.disabled = false;
      if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
        // The server answered with a redirect to the artifact page.
        window.location.assign(xhr.responseURL);
        return;
      }
      progress.hidden = true;
      status.textContent = messageOf(xhr.responseText);
      status.classList.add('field-error');
    });
    xhr.addEventListener('error', () => {
      button.disabled = false;
      progress.hidden = true;
      status.textContent = 'The upload did not reach the server. Check the connection and try again.';
      status.classList.add('field-error');
    });
    status.classList.remove('field-error');
    progress.hidden = false;
    progress.value = 0;
    status.textContent = 'Uploading…';
    button.disabled = true;
    xhr.send(new FormData(form));
  });
})();
