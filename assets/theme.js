// The theme the user chose in the header (kept in this browser), applied before
// the app starts so that the page does not flash in the other one. Without a
// choice the page follows the system (prefers-color-scheme).
try {
  const theme = localStorage.getItem('headroom.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage refused (a sandboxed iframe, a strict browser): follow the system.
}
