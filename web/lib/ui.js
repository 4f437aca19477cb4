// Small DOM helpers, formatting, the colour badge and the form machinery
// (labels, field errors in Chinese next to the field, progress on submit).
import { icon } from './icons.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'html') el.innerHTML = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// ---- dates: everything the user sees is Shanghai time, dates as 2023-03-10

const SH = 'Asia/Shanghai';
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: SH, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: SH, hour: '2-digit', minute: '2-digit', hour12: false });

export function today() { return dayFmt.format(new Date()); }
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}
export function nowLocalMinute() {
  const d = new Date();
  return `${dayFmt.format(d)}T${timeFmt.format(d)}`;
}
// "2026-11-22T10:14:01Z" → "2026-11-22 18:14"; "2026-11-22T18:14:00+08:00" likewise
export function fmtInstant(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s).replace('T', ' ').slice(0, 16);
  return `${dayFmt.format(d)} ${timeFmt.format(d)}`;
}
// "已签发 (issued)" → "已签发": the API's labels carry English in brackets
export function zh(s) { return s ? String(s).replace(/\s*\([^()]*\)\s*$/, '') : ''; }
export function fmtDate(s) { return s ? String(s).slice(0, 10) : '—'; }
export function ga(g) { return g && g.text ? `${g.text}周` : '—'; }
export function gaFromLmp(lmp, on = today()) {
  const n = daysBetween(lmp, on);
  if (Number.isNaN(n) || n < 0) return null;
  return { weeks: Math.floor(n / 7), days: n % 7, text: `${Math.floor(n / 7)}+${n % 7}` };
}
export function num(v, unit = '') {
  if (v === null || v === undefined || v === '') return '—';
  return unit ? `${v} ${unit}` : String(v);
}

// Typed dates in any common shape → 2023-03-10 (else unchanged, and the API
// names the field).
export function normalizeDate(v) {
  const m = /^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})\s*日?\s*$/.exec(v || '');
  if (!m) return (v || '').trim();
  return `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
}
export function normalizeDateTime(v) {
  const m = /^\s*(.+?)[\sT]+(\d{1,2}):(\d{2})\s*$/.exec(v || '');
  if (!m) return (v || '').trim();
  return `${normalizeDate(m[1])}T${m[2].padStart(2, '0')}:${m[3]}`;
}

// ---- labels

export const COLORS = {
  green: { label: '绿色 低风险', short: '绿色' },
  yellow: { label: '黄色 一般风险', short: '黄色' },
  orange: { label: '橙色 较高风险', short: '橙色' },
  red: { label: '红色 高风险', short: '红色' },
  purple: { label: '紫色 传染病', short: '紫色' },
};
export const ROLE_HOME = {
  citizen: '#/mama',
  community_doctor: '#/workbench',
  obstetrician: '#/workbench',
  rescue_center: '#/referrals',
  district_admin: '#/overview',
  city_admin: '#/overview',
  sys_admin: '#/audit',
};
export const ROLE_LABEL = {
  citizen: '孕产妇', community_doctor: '社区医生', obstetrician: '产科医生', rescue_center: '抢救中心',
  district_admin: '区妇幼所', city_admin: '市级管理', sys_admin: '系统管理员', system: '系统',
};
export const TRIMESTER = { early: '孕早期', middle: '孕中期', late: '孕晚期' };
export const STATUS = { open: '孕期中', delivered: '已分娩', closed: '已结案' };
export const OUTCOME = {
  delivery: '分娩', miscarriage: '流产', induced_abortion: '引产', ectopic: '异位妊娠',
  moved_out: '迁出', lost_to_follow_up: '失访', maternal_death: '孕产妇死亡',
};
export const MODE = { spontaneous: '自然分娩', assisted: '阴道助产', caesarean: '剖宫产' };
export const PRESENTATION = { cephalic: '头位', breech: '臀位', transverse: '横位', oblique: '斜位', unknown: '不详' };
export const EDEMA = { none: '无', mild: '轻度', moderate: '中度', severe: '重度' };
export const URINE_PROTEIN = { negative: '阴性 (−)', trace: '微量 (±)', '1+': '1+', '2+': '2+', '3+': '3+', '4+': '4+' };
export const LAB = { negative: '阴性', positive: '阳性' };
export const SEX = { 1: '男', 2: '女', 9: '未定' };
export const PP_KIND = { home_visit: '产后访视', day42: '产后42天健康检查' };
export const PP_TASK = { home_visit_1: '第1次产后访视', home_visit_2: '第2次产后访视', day42: '产后42天健康检查' };
export const TRIGGER = { registration: '建册', visit: '产前检查', labs: '检验结果', postpartum: '产后访视' };

// ---- the colour badge

export function badge(color, extra) {
  const c = COLORS[color] || { label: color || '未评估' };
  return h('span', { class: `badge badge-${color || 'none'}`, ...extra },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), c.label);
}

// The colour (and purple beside it) of a row; short, for tables.
export function badges(color, purple) {
  return h('span', { class: 'badges' }, badge(color), purple ? badge('purple') : null);
}

let badgeSeq = 0;
// The record's badge: a button that opens the list of every factor with its
// colour, computed or declared, and its source clause.
export function riskBadge(risk) {
  const id = `risk-factors-${++badgeSeq}`;
  const factors = risk.factors || [];
  const panel = h('div', { class: 'risk-panel', id, hidden: true, role: 'region', 'aria-label': '风险因素' },
    factors.length ? h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '颜色'), h('th', { scope: 'col' }, '风险因素'),
        h('th', { scope: 'col' }, '来源'), h('th', { scope: 'col' }, '依据条款'))),
      h('tbody', {}, factors.map((f) => h('tr', {},
        h('td', {}, badge(f.color)),
        h('td', {}, f.text, f.category ? h('div', { class: 'muted small' }, f.category) : null),
        h('td', {}, h('span', { class: `tag ${f.derived ? 'tag-derived' : 'tag-declared'}` },
          f.derived && f.declared ? '计算得出＋医生判定' : f.derived ? '计算得出' : '医生判定')),
        h('td', { class: 'small' }, f.source || '—', f.mark === 'U' ? h('span', { class: 'muted' }, '（待核实）') : null)))))
      : h('p', { class: 'muted' }, '未发现妊娠风险因素（绿色 低风险）。'),
    h('p', { class: 'muted small' },
      `评估日期 ${fmtDate(risk.assessed_on)} · 评估表版本 ${risk.criteria_version || '—'} · 依据《孕产妇妊娠风险评估与管理工作规范》国卫办妇幼发〔2017〕35号`));
  const btn = h('button', {
    type: 'button', class: `badge badge-${risk.color} badge-button`, 'aria-expanded': 'false', 'aria-controls': id,
    'data-testid': 'risk-badge', title: '点击查看全部风险因素',
  }, h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), COLORS[risk.color]?.label || risk.color_label || '未评估',
  h('span', { class: 'badge-count' }, `${factors.length} 项因素`), h('span', { class: 'caret', 'aria-hidden': 'true' }, '▾'));
  btn.addEventListener('click', () => {
    const open = btn.getAttribute('aria-expanded') === 'true';
    btn.setAttribute('aria-expanded', String(!open));
    panel.hidden = open;
  });
  return h('div', { class: 'risk' },
    h('div', { class: 'risk-badges' }, btn, risk.purple ? badge('purple', { 'data-testid': 'purple-badge' }) : null),
    panel);
}

// ---- notices

export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}
export function missingNotice(what) {
  return notice('info', h('strong', {}, `${what}功能即将开通`),
    h('div', {}, '该功能的服务接口尚未上线，暂时无法使用，请稍后再试。如需办理，请联系所在社区卫生服务中心或助产医院。'));
}
export function errorNotice(err, what = '') {
  if (err && err.missing) return missingNotice(what);
  const list = err && err.errors && err.errors.length
    ? h('ul', {}, err.errors.map((e) => h('li', {}, e.message))) : null;
  return notice('error', err?.message || '出错了，请重试', list);
}
export function loading(text = '正在加载…') {
  return h('div', { class: 'loading', role: 'status', 'aria-live': 'polite' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

let toastTimer;
export function toast(text, kind = 'ok') {
  let el = document.getElementById('toast');
  if (!el) {
    el = h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.append(el);
  }
  el.className = `toast toast-${kind} show`;
  el.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('show'), 4000);
}

// ---- forms

let fieldSeq = 0;
// One labelled input with its hint, unit and error slot. opts: name, label,
// type (text|number|date|datetime-local|select|textarea|checkbox|radio-group),
// options [[value,label]], required, hint, unit, value, attrs, wide.
export function field(opts) {
  const id = `f-${opts.name.replace(/[^a-z0-9_-]/gi, '-')}-${++fieldSeq}`;
  const errId = `${id}-err`;
  const hintId = opts.hint ? `${id}-hint` : null;
  const describedby = [hintId, errId].filter(Boolean).join(' ');
  const common = { id, name: opts.name, 'aria-describedby': describedby, required: opts.required, ...(opts.attrs || {}) };
  let input;
  if (opts.type === 'select') {
    input = h('select', common, (opts.options || []).map(([v, l]) => h('option', { value: v, selected: String(opts.value ?? '') === String(v) }, l)));
  } else if (opts.type === 'textarea') {
    input = h('textarea', { ...common, rows: opts.rows || 2 }, opts.value ?? '');
  } else if (opts.type === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: !!opts.value, 'data-type': 'bool' });
    return h('div', { class: `field field-check${opts.wide ? ' wide' : ''}`, 'data-for': opts.name },
      h('label', { for: id }, input, ' ', opts.label),
      opts.hint ? h('div', { class: 'hint', id: hintId }, opts.hint) : null,
      h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' }));
  } else if (opts.type === 'date' || opts.type === 'datetime-local') {
    // typed as 2023-03-10 (or 2023-03-10 14:05), with the native calendar
    // one click away; the shown format never depends on the browser language
    const dt = opts.type === 'datetime-local';
    const { min, max, ...rest } = opts.attrs || {};
    input = h('input', {
      ...common, ...rest, type: 'text', value: dt ? String(opts.value ?? '').replace('T', ' ') : (opts.value ?? ''),
      placeholder: dt ? '年-月-日 时:分' : '年-月-日', maxlength: dt ? 16 : 10, inputmode: 'numeric',
      autocomplete: 'off', 'data-type': dt ? 'datetime' : 'date', spellcheck: 'false',
    });
    const picker = h('input', { type: opts.type, class: 'native-picker', tabindex: '-1', 'aria-hidden': 'true', min, max });
    const btn = h('button', { type: 'button', class: 'cal-btn', tabindex: '-1', title: '打开日历', 'aria-label': `${opts.label}：打开日历` }, icon('calendar', 18));
    btn.addEventListener('click', () => {
      const v = dt ? normalizeDateTime(input.value) : normalizeDate(input.value);
      if (/^\d{4}-\d{2}-\d{2}/.test(v)) picker.value = v;
      try { picker.showPicker(); } catch (e) { picker.focus(); }
    });
    picker.addEventListener('change', () => {
      input.value = dt ? picker.value.replace('T', ' ') : picker.value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.focus();
    });
    input.addEventListener('blur', () => {
      const v = dt ? normalizeDateTime(input.value).replace('T', ' ') : normalizeDate(input.value);
      if (v !== input.value) { input.value = v; input.dispatchEvent(new Event('input', { bubbles: true })); }
    });
    return h('div', { class: `field${opts.wide ? ' wide' : ''}`, 'data-for': opts.name },
      h('label', { for: id }, opts.label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      h('div', { class: 'with-unit date-wrap' }, input, btn, picker),
      opts.hint ? h('div', { class: 'hint', id: hintId }, opts.hint) : null,
      h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' }));
  } else {
    const t = opts.type || 'text';
    input = h('input', {
      ...common, type: t, value: opts.value ?? '',
      'data-type': t === 'number' ? 'number' : undefined,
      inputmode: t === 'number' ? 'decimal' : opts.inputmode,
      step: t === 'number' ? (opts.step || 'any') : undefined,
      autocomplete: opts.autocomplete || 'off',
    });
  }
  if (opts.intType) input.dataset.type = 'int';
  const control = opts.unit
    ? h('div', { class: 'with-unit' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, opts.unit))
    : input;
  if (opts.unit) input.setAttribute('aria-label', `${opts.label}（${opts.unit}）`);
  return h('div', { class: `field${opts.wide ? ' wide' : ''}`, 'data-for': opts.name },
    h('label', { for: id }, opts.label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    opts.hint ? h('div', { class: 'hint', id: hintId }, opts.hint) : null,
    h('div', { class: 'field-error', id: errId, 'aria-live': 'polite' }));
}

function setPath(obj, path, value) {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    if (o[k] === undefined) o[k] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    o = o[k];
  }
  o[parts[parts.length - 1]] = value;
}

// The form's values as the API wants them: blanks left out, numbers as
// numbers, checkboxes as booleans, data-array checkboxes gathered in arrays.
export function readForm(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.closest('[hidden]')) continue;
    if (el.dataset.array !== undefined) {
      const list = out[el.name] || (out[el.name] = []);
      if (el.checked) list.push(el.value);
      continue;
    }
    let v;
    if (el.type === 'checkbox') v = el.checked;
    else if (el.type === 'radio') { if (!el.checked) continue; v = el.value; }
    else {
      v = el.value.trim();
      if (v === '') continue;
      if (el.dataset.type === 'number') v = Number(v);
      if (el.dataset.type === 'int') v = parseInt(v, 10);
      if (el.dataset.type === 'date') v = normalizeDate(v);
      if (el.dataset.type === 'datetime') v = normalizeDateTime(v);
    }
    setPath(out, el.name, v);
  }
  return out;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field.has-error').forEach((e) => e.classList.remove('has-error'));
  const s = form.querySelector('.form-error');
  if (s) { s.replaceChildren(); s.hidden = true; }
}

function fieldFor(form, name) {
  const candidates = [name, name.replace(/\[\d+\]$/, ''), name.split('.')[0]];
  for (const c of candidates) {
    const f = form.querySelector(`[data-for="${CSS.escape(c)}"]`);
    if (f) return f;
  }
  return null;
}

// Puts each API error beside its field; the rest (and a count) at the top.
// Returns true when the error named fields.
export function showErrors(form, err) {
  clearErrors(form);
  let summary = form.querySelector('.form-error');
  if (!summary) {
    summary = h('div', { class: 'form-error notice notice-error', role: 'alert', tabindex: '-1' });
    form.prepend(summary);
  }
  const errors = err.errors || [];
  const loose = [];
  let first = null;
  for (const e of errors) {
    const f = fieldFor(form, e.field || '');
    if (!f) { loose.push(e.message); continue; }
    f.classList.add('has-error');
    for (let d = f.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    const slot = f.querySelector('.field-error');
    slot.textContent = slot.textContent ? `${slot.textContent}；${e.message}` : e.message;
    const input = f.querySelector('input,select,textarea');
    if (input) { input.setAttribute('aria-invalid', 'true'); first = first || input; }
  }
  summary.hidden = false;
  summary.append(h('strong', {}, errors.length ? `有 ${errors.length} 项需要修改` : (err.message || '保存失败')));
  if (errors.length && err.message && loose.length === errors.length) summary.append(h('div', {}, err.message));
  if (loose.length) summary.append(h('ul', {}, loose.map((m) => h('li', {}, m))));
  if (!errors.length && err.missing) summary.replaceChildren(h('strong', {}, '该功能的服务接口尚未上线，暂时无法提交，请稍后再试。'));
  (first || summary).focus();
  return errors.length > 0;
}

// Runs a slow action with the button disabled and a spinner in it.
export async function busy(button, text, fn) {
  const old = [...button.childNodes];
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...old);
  }
}

// A form whose submit posts readForm() through `action`, shows field errors,
// and calls `done` with the reply.
export function wireForm(form, { action, done, pending = '正在保存…' }) {
  form.noValidate = true;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    clearErrors(form);
    try {
      const reply = await busy(btn, pending, () => action(readForm(form)));
      await done(reply);
    } catch (err) {
      if (err && err.status !== undefined) showErrors(form, err);
      else { showErrors(form, { message: String(err?.message || err), errors: [] }); console.error(err); }
    }
  });
  return form;
}

export function table(columns, rows, { empty = '暂无记录', caption } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: c.class }, c.render(r))))))));
}

export function dl(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v ?? '—'))));
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

export function pageHead(title, sub, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', {}, h('h1', { tabindex: '-1' }, title), sub ? h('p', { class: 'sub' }, sub) : null),
    actions.length ? h('div', { class: 'actions' }, ...actions) : null);
}

export function link(href, text, attrs) { return h('a', { href, ...attrs }, text); }
