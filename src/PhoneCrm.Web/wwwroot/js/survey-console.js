// The survey operator console: one step of the script at a time, one keystroke per answer.
// Keys are written beside each choice (data-key); an open answer is typed and Enter goes on; Enter on the last step saves.
(function () {
    const form = document.getElementById('call-form');
    if (!form) return;
    const steps = Array.from(form.querySelectorAll('.console-step'));
    let current = 0;
    form.classList.add('js-console');

    function npsCategory() {
        const checked = form.querySelector('.console-step[data-kind="nps"] input:checked');
        if (!checked) return null;
        const n = Number(checked.value);
        return n >= 9 ? 'promoter' : n >= 7 ? 'passive' : 'detractor';
    }

    function asked(step) {
        const showIf = step.dataset.showIf;
        return !showIf || showIf.split(',').includes(npsCategory());
    }

    function show(index) {
        current = index;
        steps.forEach((s, i) => { s.hidden = i !== index; });
        const step = steps[index];
        (step.querySelector('textarea') || step).focus();
        document.getElementById('console-progress').textContent = step.dataset.progress || '';
    }

    function next() {
        for (let i = current + 1; i < steps.length; i++) {
            if (asked(steps[i])) { show(i); return; }
        }
        form.requestSubmit();
    }

    form.addEventListener('keydown', function (e) {
        const step = steps[current];
        const typing = e.target.matches('textarea, input[type="datetime-local"], input[type="text"]');
        if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            if (step.dataset.step === 'outcome' && !form.querySelector('input[name="Outcome"]:checked')) return;
            if (step.dataset.step === 'outcome' && form.querySelector('input[name="Outcome"]:checked').value !== 'answered') { form.requestSubmit(); return; }
            next();
            return;
        }
        if (typing || e.ctrlKey || e.altKey || e.metaKey) return;
        const choice = step.querySelector('input[data-key="' + CSS.escape(e.key.toLowerCase()) + '"]');
        if (!choice) return;
        e.preventDefault();
        choice.checked = true;
        if (step.dataset.step === 'outcome') {
            if (choice.value === 'answered') { next(); return; }
            if (choice.value === 'callback') {
                step.querySelector('input[type="datetime-local"]').focus();
                return;
            }
            form.requestSubmit();
            return;
        }
        next();
    });

    show(0);
})();
