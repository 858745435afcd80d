// Visual segment builder: edits the rule JSON of api-v1.md (groups all/any, not, conditions field/op/value) held in the
// form's #rule textarea, which stays editable as the "advanced" view. Plain DOM, native controls (keyboard-friendly).
// The count and a sample are fetched (debounced) from /segments/count and /segments/sample as the rule changes.
(() => {
    'use strict';
    const form = document.getElementById('segment-form');
    const root = document.getElementById('segment-builder');
    const ruleBox = document.getElementById('rule');
    const metaEl = document.getElementById('builder-meta');
    if (!form || !root || !ruleBox || !metaEl) return;

    const meta = JSON.parse(metaEl.textContent);
    const T = (k) => meta.texts[k] || k;
    const fields = Object.fromEntries(meta.fields.map((f) => [f.name, f]));
    let seq = 0;

    // ---- model: group {g:'all'|'any', not, items[]} | condition {field, op, value, withinDays} -------------------------
    const newGroup = () => ({ g: 'all', not: false, items: [] });
    const defaultValue = (field, op) => {
        const f = fields[field];
        if (op === 'exists') return true;
        if (op === 'within_days' || op === 'older_than_days') return f.kind === 'birthday' ? 7 : 30;
        if (op === 'has' || op === 'lacks') return { purpose: (meta.purposes[0] || {}).code || 'marketing', channel: 'sms' };
        if (op === 'between') return f.kind === 'timestamp' ? ['', ''] : [0, 0];
        if (op === 'in') return [];
        if (f.values) return f.values[0].code;
        if (f.kind === 'category') return meta.categories[0] || '';
        if (['age', 'count', 'money'].includes(f.kind)) return 0;
        return '';
    };
    const newCondition = (field) => {
        const f = fields[field || 'city'];
        const op = f.ops[0].op;
        return { field: f.name, op, value: defaultValue(f.name, op) };
    };

    function fromJson(node) {
        if (!node || typeof node !== 'object') return newGroup();
        if (Array.isArray(node.all) || Array.isArray(node.any)) {
            const g = node.all ? 'all' : 'any';
            return { g, not: false, items: node[g].map(fromJsonItem) };
        }
        if (node.not) {
            const inner = fromJson(node.not.field ? { all: [node.not] } : node.not);
            inner.not = !inner.not;
            return inner;
        }
        if (node.field) return { g: 'all', not: false, items: [fromJsonItem(node)] };
        return newGroup();
    }
    function fromJsonItem(node) {
        if (node && node.field && fields[node.field]) {
            const c = { field: node.field, op: node.op, value: node.value };
            if (node.withinDays !== undefined) c.withinDays = node.withinDays;
            if (!fields[node.field].ops.some((o) => o.op === c.op)) c.op = fields[node.field].ops[0].op;
            if (c.value === undefined) c.value = defaultValue(c.field, c.op);
            return c;
        }
        return fromJson(node);
    }
    function toJson(node) {
        if (node.g) {
            const group = { [node.g]: node.items.map(toJson) };
            return node.not ? { not: group } : group;
        }
        const c = { field: node.field, op: node.op, value: node.value };
        if (node.withinDays !== undefined && node.withinDays !== null && node.withinDays !== '') c.withinDays = node.withinDays;
        return c;
    }

    let state;
    try { state = fromJson(JSON.parse(ruleBox.value || '{"all":[]}')); } catch { state = newGroup(); }

    // ---- sync to the textarea, count and sample -----------------------------------------------------------------------
    let timer;
    function changed() {
        ruleBox.value = JSON.stringify(toJson(state), null, 2);
        document.getElementById('json-error').textContent = '';
        scheduleCount();
    }
    function scheduleCount() {
        clearTimeout(timer);
        const countBox = document.getElementById('segment-count');
        countBox.setAttribute('aria-busy', 'true');
        timer = setTimeout(refresh, 350);
    }
    async function post(url) {
        const response = await fetch(url, { method: 'POST', body: new FormData(form), credentials: 'same-origin' });
        return response.ok ? response.text() : '';
    }
    async function refresh() {
        const mine = ++seq;
        const [count, sample] = await Promise.all([post('/segments/count'), post('/segments/sample')]);
        if (mine !== seq) return; // a newer edit is on its way
        const countBox = document.getElementById('segment-count');
        countBox.innerHTML = count;
        countBox.removeAttribute('aria-busy');
        document.getElementById('segment-sample').innerHTML = sample;
    }

    // ---- rendering ----------------------------------------------------------------------------------------------------
    let uid = 0;
    const el = (tag, attrs = {}, children = []) => {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) continue;
            if (k === 'text') e.textContent = v;
            else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
            else e.setAttribute(k, v === true ? '' : v);
        }
        for (const c of children) if (c) e.append(c);
        return e;
    };
    const labelled = (label, control, cls = 'col-auto') => {
        const id = control.id || (control.id = 'b' + (++uid));
        return el('div', { class: cls }, [el('label', { class: 'form-label small mb-0 d-block', for: id, text: label }), control]);
    };
    const labelledWrap = (label, wrap, cls = 'col-auto') => {
        wrap.input.id = 'b' + (++uid);
        return el('div', { class: cls }, [el('label', { class: 'form-label small mb-0 d-block', for: wrap.input.id, text: label }), wrap]);
    };
    const select = (options, current, onchange, attrs = {}) => {
        const s = el('select', { class: 'form-select form-select-sm', onchange: (e) => onchange(e.target.value), ...attrs });
        for (const o of options) s.append(el('option', { value: o.code, text: o.label, selected: String(o.code) === String(current) }));
        return s;
    };
    const numberInput = (value, onchange, attrs = {}) => el('input', {
        type: 'number', class: 'form-control form-control-sm', value: value ?? '', min: 0, style: 'width: 8rem',
        oninput: (e) => onchange(e.target.value === '' ? '' : Number(e.target.value)), ...attrs,
    });
    const textInput = (value, onchange, attrs = {}) => el('input', {
        type: 'text', class: 'form-control form-control-sm', value: value ?? '', oninput: (e) => onchange(e.target.value), ...attrs,
    });
    const dateInput = (value, onchange, attrs = {}) => el('input', {
        type: 'date', class: 'form-control form-control-sm', value: (value || '').slice(0, 10), onchange: (e) => onchange(e.target.value), ...attrs,
    });

    // City autocomplete: a datalist refilled from /segments/cities as the user types.
    function cityInput(value, onchange, attrs = {}) {
        const listId = 'cities-' + (++uid);
        const list = el('datalist', { id: listId });
        let t;
        const input = textInput(value, (v) => {
            onchange(v);
            clearTimeout(t);
            t = setTimeout(async () => {
                const r = await fetch('/segments/cities?q=' + encodeURIComponent(v.split(',').pop().trim()), { credentials: 'same-origin' });
                if (!r.ok) return;
                list.replaceChildren(...(await r.json()).map((c) => el('option', { value: c })));
            }, 200);
        }, { list: listId, autocomplete: 'off', ...attrs });
        const wrap = el('div', {}, [input, list]);
        wrap.input = input;
        return wrap;
    }

    function checkboxList(options, current, onchange, name) {
        const chosen = new Set(current || []);
        const box = el('div', { class: 'd-flex flex-wrap gap-2 border rounded px-2 py-1', role: 'group', 'aria-label': name });
        for (const o of options) {
            const id = 'b' + (++uid);
            const cb = el('input', {
                type: 'checkbox', class: 'form-check-input', id, value: o.code, checked: chosen.has(o.code),
                onchange: (e) => { e.target.checked ? chosen.add(o.code) : chosen.delete(o.code); onchange([...chosen]); },
            });
            box.append(el('div', { class: 'form-check form-check-inline m-0' }, [cb, el('label', { class: 'form-check-label small', for: id, text: o.label })]));
        }
        return box;
    }

    const splitList = (v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

    function valueEditor(c, path) {
        const f = fields[c.field];
        const set = (v) => { c.value = v; changed(); };
        const attrs = { 'data-path': path + '.value' };
        const parts = [];
        if (c.op === 'exists') {
            parts.push(labelled(T('Value'), select([{ code: 'true', label: T('yes') }, { code: 'false', label: T('no') }], String(c.value !== false),
                (v) => set(v === 'true'), attrs)));
        } else if (c.op === 'within_days' || c.op === 'older_than_days') {
            parts.push(labelled(T('days'), numberInput(c.value, set, { ...attrs, max: f.kind === 'birthday' ? 366 : 36500 })));
        } else if (c.op === 'has' || c.op === 'lacks') {
            const v = c.value && typeof c.value === 'object' ? c.value : defaultValue(c.field, c.op);
            c.value = v;
            parts.push(labelled(T('Purpose'), select(meta.purposes, v.purpose, (p) => set({ ...c.value, purpose: p }), attrs)));
            parts.push(labelled(T('Channel'), select(meta.channels, v.channel, (ch) => set({ ...c.value, channel: ch }), { 'data-path': path + '.channel' })));
        } else if (c.op === 'between') {
            const pair = Array.isArray(c.value) && c.value.length === 2 ? c.value : defaultValue(c.field, c.op);
            c.value = pair;
            const make = f.kind === 'timestamp' ? dateInput : numberInput;
            parts.push(labelled(T('range from'), make(pair[0], (v) => set([v, c.value[1]]), attrs)));
            parts.push(labelled(T('range to'), make(pair[1], (v) => set([c.value[0], v]), { 'data-path': path + '.to' })));
        } else if (c.op === 'in') {
            const current = Array.isArray(c.value) ? c.value : [];
            c.value = current;
            if (f.values) parts.push(labelled(T('Value'), checkboxList(f.values, current, set, f.label), 'col'));
            else if (f.kind === 'category' && meta.categories.length > 0)
                parts.push(labelled(T('Value'), checkboxList(meta.categories.map((x) => ({ code: x, label: x })), current, set, f.label), 'col'));
            else if (f.kind === 'text') {
                const w = cityInput(current.join(', '), (v) => set(splitList(v)), { ...attrs, placeholder: T('Comma-separated values') });
                parts.push(labelledWrap(T('Value'), w, 'col'));
            } else parts.push(labelled(T('Value'), textInput(current.join(', '), (v) => set(splitList(v)), { ...attrs, placeholder: T('Comma-separated values') }), 'col'));
        } else if (f.values) {
            parts.push(labelled(T('Value'), select(f.values, c.value, set, attrs)));
        } else if (f.kind === 'category') {
            const listId = 'categories-' + (++uid);
            const input = textInput(c.value, set, { ...attrs, list: listId, autocomplete: 'off' });
            parts.push(el('div', { class: 'col-auto' }, [el('label', { class: 'form-label small mb-0 d-block', for: input.id = 'b' + (++uid), text: T('Value') }),
                input, el('datalist', { id: listId }, meta.categories.map((x) => el('option', { value: x })))]));
        } else if (f.kind === 'text') {
            parts.push(labelledWrap(T('Value'), cityInput(c.value, set, attrs)));
        } else if (f.kind === 'timestamp') {
            parts.push(labelled(T('Value'), dateInput(c.value, set, attrs)));
        } else if (['age', 'count', 'money'].includes(f.kind)) {
            parts.push(labelled(T('Value'), numberInput(c.value, set, { ...attrs, step: f.kind === 'money' ? '0.01' : '1' })));
        } else {
            parts.push(labelled(T('Value'), textInput(c.value, set, attrs)));
        }
        if (f.kind === 'category' && c.op !== 'exists') {
            parts.push(labelled(T('in the last N days (optional)'), numberInput(c.withinDays, (v) => { c.withinDays = v === '' ? undefined : v; changed(); },
                { 'data-path': path + '.withinDays' })));
        }
        return parts;
    }

    function conditionRow(c, parent, index, path) {
        const f = fields[c.field];
        const fieldSelect = select(meta.fields.map((x) => ({ code: x.name, label: x.label })), c.field, (name) => {
            parent.items[index] = newCondition(name);
            render(path + '.field');
            changed();
        }, { 'data-path': path + '.field' });
        const opSelect = select(f.ops.map((o) => ({ code: o.op, label: o.label })), c.op, (op) => {
            const keepValue = (a, b) => ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains'].includes(a) && ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains'].includes(b);
            if (!keepValue(c.op, op)) c.value = defaultValue(c.field, op);
            c.op = op;
            render(path + '.op');
            changed();
        }, { 'data-path': path + '.op' });
        const remove = el('button', {
            type: 'button', class: 'btn btn-sm btn-outline-danger', 'aria-label': T('Remove condition') + ': ' + f.label, title: T('Remove condition'),
            'data-path': path + '.remove', text: '×',
            onclick: () => { parent.items.splice(index, 1); render(focusAfterRemove(path, parent)); changed(); },
        });
        return el('div', { class: 'row g-2 align-items-end builder-condition border-start border-3 ps-2 mb-2', 'data-field': c.field, role: 'group', 'aria-label': T('Condition') + ' ' + (index + 1) }, [
            labelled(T('Field'), fieldSelect), labelled(T('Operator'), opSelect), ...valueEditor(c, path),
            el('div', { class: 'col-auto' }, [remove]),
        ]);
    }

    const focusAfterRemove = (path, parent) => parent.items.length === 0 ? parentPath(path) + '.add-condition' : parentPath(path) + '.i0.field';
    const parentPath = (path) => path.slice(0, path.lastIndexOf('.i'));

    function groupBox(g, parent, index, path) {
        const isRoot = parent === null;
        const head = el('div', { class: 'd-flex flex-wrap gap-2 align-items-center mb-2' }, [
            select([{ code: 'all', label: T('All of these (AND)') }, { code: 'any', label: T('Any of these (OR)') }], g.g,
                (v) => { g.g = v; changed(); }, { 'data-path': path + '.g', 'aria-label': T('Group'), class: 'form-select form-select-sm w-auto builder-group-op' }),
            el('div', { class: 'form-check m-0' }, [
                el('input', { type: 'checkbox', class: 'form-check-input', id: 'not-' + (++uid), checked: g.not, 'data-path': path + '.not',
                    onchange: (e) => { g.not = e.target.checked; box.classList.toggle('border-danger', g.not); changed(); } }),
                el('label', { class: 'form-check-label small', for: 'not-' + uid, text: T('NOT: exclude contacts that match this group') }),
            ]),
            isRoot ? null : el('button', {
                type: 'button', class: 'btn btn-sm btn-outline-danger ms-auto', 'data-path': path + '.remove-group', text: T('Remove group'),
                onclick: () => { parent.items.splice(index, 1); render(focusAfterRemove(path, parent)); changed(); },
            }),
        ]);
        const body = el('div', { class: 'builder-items' });
        g.items.forEach((item, i) => body.append(item.g ? groupBox(item, g, i, path + '.i' + i) : conditionRow(item, g, i, path + '.i' + i)));
        if (g.items.length === 0 && isRoot) body.append(el('p', { class: 'small text-muted mb-2', text: T('No conditions yet: the segment matches everyone.') }));
        const actions = el('div', { class: 'd-flex gap-2' }, [
            el('button', { type: 'button', class: 'btn btn-sm btn-outline-primary builder-add-condition', 'data-path': path + '.add-condition', text: '+ ' + T('Add condition'),
                onclick: () => { g.items.push(newCondition('city')); render(path + '.i' + (g.items.length - 1) + '.field'); changed(); } }),
            el('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary builder-add-group', 'data-path': path + '.add-group', text: '+ ' + T('Add group'),
                onclick: () => { const ng = newGroup(); ng.g = 'any'; ng.items.push(newCondition('city')); g.items.push(ng); render(path + '.i' + (g.items.length - 1) + '.g'); changed(); } }),
        ]);
        const box = el('fieldset', { class: 'builder-group border rounded p-2 mb-2' + (g.not ? ' border-danger' : '') + (isRoot ? ' bg-light' : ''), 'data-path': path }, [head, body, actions]);
        return box;
    }

    function render(focusPath) {
        root.replaceChildren(groupBox(state, null, 0, 'r'));
        if (focusPath) {
            const target = root.querySelector(`[data-path="${focusPath}"]`);
            if (target) target.focus();
        }
    }

    // ---- wiring -------------------------------------------------------------------------------------------------------
    ruleBox.addEventListener('input', () => {
        try {
            state = fromJson(JSON.parse(ruleBox.value));
            document.getElementById('json-error').textContent = '';
            render();
        } catch {
            document.getElementById('json-error').textContent = T('The JSON is not valid; the builder keeps the last valid rule.');
        }
        scheduleCount();
    });
    document.getElementById('exclude')?.addEventListener('change', scheduleCount);
    document.querySelectorAll('#builder-templates [data-rule]').forEach((b) => b.addEventListener('click', () => {
        state = fromJson(JSON.parse(b.getAttribute('data-rule')));
        const name = document.getElementById('name');
        if (name && !name.value) name.value = b.getAttribute('data-title');
        render('r.g');
        changed();
    }));

    render();
    ruleBox.value = JSON.stringify(toJson(state), null, 2);
    scheduleCount();
})();
