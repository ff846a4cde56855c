// Offline use: registers the service worker (sw.js, written at build time with
// the list of every file of the build) and, when a newer build has been
// installed, offers to switch to it. Nothing is sent anywhere.
// Opened from disk (file://), browsers do not run the app's module script: the
// page then says so instead of waiting for ever (the single-file build,
// scripts/single.mjs, has no such limit and does not include this script).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  let reloading = false;
  // A page the service worker already served: a later change of worker is a
  // newer build taking over (the first visit's worker taking over is not).
  const served = Boolean(navigator.serviceWorker.controller);
  const notice = (text, label, act) => {
    document.querySelector('.update-notice')?.remove();
    const bar = document.createElement('div');
    bar.className = 'update-notice';
    bar.setAttribute('role', 'status');
    bar.setAttribute('data-testid', 'update-notice');
    bar.textContent = text;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.addEventListener('click', act);
    bar.appendChild(button);
    document.body.appendChild(bar);
  };
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) {
      location.reload();
    } else if (served) {
      // Another tab switched to the newer build: this page runs the older one,
      // whose files the worker no longer keeps, so pages not yet opened here
      // could not load. It says so rather than fail later.
      notice('A newer version of headroom is now in use in another tab. ', 'Reload', () => location.reload());
    }
  });
  const offer = (worker) => {
    if (document.querySelector('.update-notice')) return;
    notice('A newer version of headroom is available. ', 'Use it now', () => {
      // Switched already from another tab: this page only needs to reload.
      if (worker.state === 'activated' || worker.state === 'redundant') {
        location.reload();
        return;
      }
      reloading = true;
      worker.postMessage('skip-waiting');
    });
  };
  // Registered once the app has started (or the page has loaded, if it never
  // does): installing copies every file of the build, which must not compete
  // with the first page's own downloads and start-up.
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    navigator.serviceWorker
      .register('./sw.js')
      .then((registration) => {
        if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
        registration.addEventListener('updatefound', () => {
          const worker = registration.installing;
          if (!worker) return;
          worker.addEventListener('statechange', () => {
            if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
          });
        });
      })
      .catch(() => {
        // Without a service worker the app still runs; it only needs the network to load.
      });
  };
  const whenIdle = () =>
    'requestIdleCallback' in window ? requestIdleCallback(register, { timeout: 5000 }) : setTimeout(register, 1000);
  addEventListener('TrunkApplicationStarted', whenIdle, { once: true });
  addEventListener('load', () => setTimeout(register, 3000), { once: true });
} else if (location.protocol === 'file:') {
  document.addEventListener('DOMContentLoaded', () => {
    const note = document.querySelector('#boot-shell .boot-note');
    if (note) {
      note.setAttribute('data-testid', 'file-notice');
      note.textContent =
        'Opened from disk, this copy cannot start: browsers do not run its program from a file. ' +
        'Serve the folder (for example with "python3 -m http.server" inside it), ' +
        'or use the single-file build, headroom.html, which opens from disk.';
    }
  });
}
