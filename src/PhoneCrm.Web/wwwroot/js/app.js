// Small progressive enhancements; every page works without them.
document.addEventListener('click', (e) => {
    const btn = e.target.closest('[data-copy]');
    if (!btn) return;
    const target = document.querySelector(btn.getAttribute('data-copy'));
    if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim());
        btn.textContent = btn.getAttribute('data-copied') || 'OK';
    }
});
document.addEventListener('submit', (e) => {
    const msg = e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
});
