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
// Campaign form: picking a saved template reloads the form with its text, purpose and category (the segment is kept).
document.addEventListener('change', (e) => {
    const picker = e.target.closest('[data-template-picker]');
    if (!picker) return;
    const params = new URLSearchParams();
    if (picker.value) params.set('templateId', picker.value);
    const segment = document.getElementById('segmentId');
    if (segment && segment.value) params.set('segmentId', segment.value);
    window.location.assign('/campaigns/new?' + params.toString());
});
// A table wider than the screen scrolls inside its wrapper: the wrapper becomes a tab stop so the keyboard can scroll it
// too (WCAG 2.1.1); wrappers that fit stay out of the tab order.
function focusableScrollers(root) {
    for (const box of root.querySelectorAll('.table-responsive')) {
        if (box.scrollWidth > box.clientWidth) box.setAttribute('tabindex', '0');
        else box.removeAttribute('tabindex');
    }
}
document.addEventListener('DOMContentLoaded', () => focusableScrollers(document));
document.addEventListener('htmx:afterSettle', () => focusableScrollers(document));
window.addEventListener('resize', () => focusableScrollers(document));
