// The picker of declared risk factors (医生判定): every factor of the grading
// table that is not computed from measurements, grouped by colour.
import { criteria } from './api.js';
import { h, COLORS } from './ui.js';

const ORDER = ['red', 'orange', 'yellow', 'purple'];

export async function factorPicker(selected = [], name = 'declared_factors') {
  const c = await criteria();
  const chosen = new Set(selected);
  const factors = c.factors.filter((f) => !f.derivable && f.color !== 'green');
  const count = h('span', { class: 'count' }, String(chosen.size));
  const filter = h('input', { type: 'search', class: 'factor-filter', placeholder: '筛选：输入疾病或条款关键字', 'aria-label': '筛选风险因素' });
  const groups = ORDER.map((color) => {
    const list = factors.filter((f) => f.color === color);
    return h('div', { class: 'factor-group' },
      h('h4', {}, COLORS[color].label),
      list.map((f) => h('label', { 'data-text': `${f.text} ${f.category} ${f.source} ${f.code}` },
        h('input', { type: 'checkbox', name, value: f.code, 'data-array': '', checked: chosen.has(f.code) }),
        h('span', {}, f.text, h('span', { class: 'muted small' }, ` · ${f.category} · ${f.source.replace(/^.*附件2\s*/, '')}`)))));
  });
  const box = h('div', { class: 'factor-picker', role: 'group', 'aria-label': '医生判定的风险因素' }, groups);
  filter.addEventListener('input', () => {
    const q = filter.value.trim();
    box.querySelectorAll('label').forEach((l) => { l.hidden = q && !l.dataset.text.includes(q); });
  });
  box.addEventListener('change', () => { count.textContent = String(box.querySelectorAll('input:checked').length); });
  return h('details', { class: 'more', 'data-for': name, open: chosen.size > 0 },
    h('summary', {}, '医生判定的风险因素（已选 ', count, ' 项）'),
    h('p', { class: 'hint' }, `年龄、BMI、血红蛋白、血小板、血压、检验结果等由系统根据录入数据自动计算，无需在此勾选。评估表版本 ${c.version}。`),
    filter, box, h('div', { class: 'field-error', 'aria-live': 'polite' }));
}
