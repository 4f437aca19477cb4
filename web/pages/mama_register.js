// 网上建小卡, step by step: where she lives and her last period → the
// centres of her district and the last day (guidance) → what to bring and a
// few health facts → confirm. Field errors go back to the step that has them.
import { api, districts } from '../lib/api.js';
import {
  h, clear, card, field, readForm, showErrors, clearErrors, busy, notice, today, gaFromLmp, addDays, link, normalizeDate, zh,
} from '../lib/ui.js';
import { icon } from '../lib/icons.js';

const STEPS = ['居住地与末次月经', '选择社区中心', '携带材料与健康信息', '确认提交'];
const STEP_OF_FIELD = { district: 0, lmp: 0, institution_id: 1, gravidity: 2, parity: 2, height_cm: 2, weight_kg: 2, woman_id: 3, card: 3 };

export async function render(ctx) {
  const v = ctx.view;
  const wid = ctx.user.woman_id;
  const [ds, woman, mine] = await Promise.all([
    districts(),
    wid ? api.get(`/women/${wid}`).catch(() => null) : null,
    wid ? api.get('/pregnancies', { woman_id: wid, status: 'open', page_size: 1 }).catch(() => ({ items: [] })) : { items: [] },
  ]);
  if (mine.items && mine.items.length) {
    const p = mine.items[0];
    clear(v, h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, '网上建小卡')),
      card(null, notice('ok', h('strong', {}, '您已建立本次孕期的档案。'), h('div', {}, `建册机构：${p.institution_name} · 孕${p.ga.text}周 · 预产期 ${p.edd}`)),
        h('a', { class: 'btn btn-primary btn-block', href: '#/mama' }, '查看我的孕期'), h('p'), h('a', { class: 'btn btn-block', href: '#/mama/book' }, '预约产检')));
    return;
  }
  const state = { step: 0, guidance: null };
  const stepper = h('ol', { class: 'stepper', 'aria-label': '建册步骤' }, STEPS.map((s) => h('li', {}, s)));
  const box = h('div', {});

  // step 1
  const f1 = h('form', { class: 'form', 'aria-label': STEPS[0], novalidate: true },
    h('p', { class: 'muted' }, '填写后系统会告诉您：去哪个社区卫生服务中心、带什么材料、最晚哪天去。'),
    field({ name: 'district', label: '居住区', type: 'select', required: true, options: [['', '请选择您居住的区'], ...ds.map((d) => [d.code, d.name])], value: woman?.residence_district || '' }),
    field({ name: 'lmp', label: '末次月经第一天', type: 'date', required: true, attrs: { max: today() }, hint: '用于计算孕周和预产期' }),
    h('div', { class: 'notice notice-info', 'aria-live': 'polite', 'data-preview': '' }, '填写末次月经后显示孕周。'),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '下一步：查看建册指引')));
  const preview = f1.querySelector('[data-preview]');
  f1.querySelector('[name=lmp]').addEventListener('input', (ev) => {
    const d = normalizeDate(ev.target.value);
    const g = /^\d{4}-\d{2}-\d{2}$/.test(d) && gaFromLmp(d);
    clear(preview, g ? [h('strong', {}, `孕 ${g.text} 周`), ` · 预产期 ${addDays(d, 280)}`] : '填写末次月经后显示孕周。');
  });
  f1.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = readForm(f1);
    clearErrors(f1);
    try {
      state.guidance = await busy(f1.querySelector('[type=submit]'), '正在查询…', () => api.get('/guidance/registration', q));
      state.district = q.district;
      state.lmp = q.lmp;
      fillStep2();
      go(1);
    } catch (e) {
      showErrors(f1, e);
    }
  });

  // step 2
  const f2 = h('form', { class: 'form', 'aria-label': STEPS[1], novalidate: true });
  function fillStep2() {
    const g = state.guidance;
    clear(f2,
      h('div', { class: `notice ${g.in_time ? 'notice-info' : 'notice-warn'}` },
        h('div', {}, `孕 `, h('b', {}, g.ga.text), ' 周 · 预产期 ', h('b', {}, g.edd)),
        h('div', {}, '小卡建册最晚日期：', h('b', { 'data-testid': 'deadline' }, g.small_card_deadline), g.in_time ? `（还有 ${g.days_left} 天）` : ''),
        h('div', { class: 'small' }, zh(g.advice))),
      h('div', { class: 'field', 'data-for': 'institution_id', role: 'radiogroup', 'aria-label': `${g.district_name}的社区卫生服务中心` },
        h('span', { style: { fontWeight: 600, fontSize: '.88rem', color: 'var(--ink-2)' } }, `${g.district_name}的社区卫生服务中心（请选择一个）`),
        g.centres.map((c, i) => h('label', { class: 'choice' },
          h('input', { type: 'radio', name: 'institution_id', value: c.id, checked: i === 0 }),
          h('span', {}, h('b', {}, c.name), h('div', { class: 'c-sub' }, `每日号源 ${c.daily_capacity}`)))),
        h('div', { class: 'field-error', 'aria-live': 'polite' })),
      nav(0, '下一步：携带材料'));
  }
  f2.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.institution_id = readForm(f2).institution_id;
    fillStep3();
    go(2);
  });

  // step 3
  const f3 = h('form', { class: 'form', 'aria-label': STEPS[2], novalidate: true });
  function fillStep3() {
    const g = state.guidance;
    const centre = g.centres.find((c) => c.id === state.institution_id);
    clear(f3,
      h('h2', {}, '需要携带的材料'),
      h('ul', { class: 'checklist' }, (g.documents || []).map((d) => h('li', {},
        h('input', { type: 'checkbox', id: `doc-${d.code}`, 'aria-label': `已准备：${d.text}` }), h('label', { for: `doc-${d.code}` }, d.text)))),
      h('h2', { style: { marginTop: '14px' } }, '办理步骤'),
      h('ol', { class: 'small' }, (g.steps || []).map((s) => h('li', {}, s.text))),
      h('p', { class: 'small muted' }, `前往：${centre ? centre.name : ''}，最晚 ${g.small_card_deadline}`),
      h('h2', { style: { marginTop: '14px' } }, '健康信息'),
      h('div', { class: 'fields' },
        field({ name: 'gravidity', label: '怀孕次数（含本次）', type: 'number', required: true, intType: true, value: state.gravidity ?? 1, attrs: { min: 1, max: 20, step: 1 } }),
        field({ name: 'parity', label: '分娩次数（不含本次）', type: 'number', required: true, intType: true, value: state.parity ?? 0, attrs: { min: 0, max: 15, step: 1 } }),
        field({ name: 'height_cm', label: '身高', type: 'number', required: true, unit: 'cm', value: state.height_cm ?? '' }),
        field({ name: 'weight_kg', label: '孕前体重', type: 'number', required: true, unit: 'kg', value: state.weight_kg ?? '' })),
      nav(1, '下一步：确认'));
  }
  f3.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(state, readForm(f3));
    fillStep4();
    go(3);
  });

  // step 4
  const f4 = h('form', { class: 'form', 'aria-label': STEPS[3], novalidate: true });
  function fillStep4() {
    const g = state.guidance;
    const centre = g.centres.find((c) => c.id === state.institution_id);
    const dn = ds.find((d) => d.code === state.district)?.name;
    clear(f4,
      h('dl', { class: 'facts' }, [
        ['姓名', woman?.name || ctx.user.username], ['居住区', dn], ['末次月经', state.lmp], ['孕周', `${g.ga.text}周`],
        ['预产期', g.edd], ['建册中心', centre?.name], ['最晚建册日期', g.small_card_deadline],
        ['孕/产次', `孕${state.gravidity} 产${state.parity}`], ['身高/体重', `${state.height_cm ?? '—'} cm / ${state.weight_kg ?? '—'} kg`],
      ].map(([k, val]) => h('div', {}, h('dt', {}, k), h('dd', {}, val ?? '—')))),
      h('p', { class: 'small muted' }, '提交后即建立您的孕产期档案（小卡），社区医生将在您到中心时核对信息并完成首次检查。'),
      nav(2, '提交建册'));
  }
  const conflict = h('div', {});
  f4.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(f4);
    clear(conflict);
    const body = {
      woman_id: wid, card: 'small', institution_id: state.institution_id, lmp: state.lmp,
      gravidity: state.gravidity, parity: state.parity, height_cm: state.height_cm, weight_kg: state.weight_kg,
    };
    try {
      const p = await busy(f4.querySelector('[type=submit]'), '正在提交…', () => api.post('/pregnancies', body));
      done(p);
    } catch (e) {
      if (e.status === 409 && e.problem.existing_id) {
        conflict.append(notice('warn', '您已有一个未结束的孕产期档案。', ' ', link('#/mama', '查看我的孕期 →')));
        return;
      }
      const first = Math.min(...(e.errors || []).map((x) => STEP_OF_FIELD[x.field] ?? 3), 3);
      const form = [f1, f2, f3, f4][first];
      if (first < 3) go(first);
      showErrors(form, e);
    }
  });

  function done(p) {
    const g = state.guidance;
    const centre = g.centres.find((c) => c.id === state.institution_id);
    stepper.querySelectorAll('li').forEach((li) => { li.className = 'done'; li.removeAttribute('aria-current'); });
    clear(box, card(null,
      notice('ok', h('strong', {}, '网上建册已提交！'), h('div', {}, `档案号 ${p.id} · 孕${p.ga.text}周 · 预产期 ${p.edd}`)),
      h('p', {}, '请在 ', h('b', {}, g.small_card_deadline), ' 前携带以下材料到 ', h('b', {}, centre?.name || ''), ' 完成首次产检和风险筛查：'),
      h('ul', {}, (g.documents || []).map((d) => h('li', {}, d.text))),
      h('a', { class: 'btn btn-primary btn-block', href: '#/mama/book' }, icon('calendar', 18), '预约去中心的日期'), h('p'),
      h('a', { class: 'btn btn-block', href: '#/mama' }, '查看我的孕期')));
    box.querySelector('.notice').setAttribute('tabindex', '-1');
    box.querySelector('.notice').focus();
  }

  function nav(back, nextLabel) {
    return h('div', { class: 'form-actions', style: { marginTop: '12px' } },
      h('button', { type: 'button', class: 'btn', onclick: () => go(back) }, '上一步'),
      h('button', { type: 'submit', class: 'btn btn-primary', style: { flex: 1 } }, nextLabel));
  }

  const panels = [f1, f2, f3, h('div', {}, conflict, f4)];
  function go(n) {
    state.step = n;
    stepper.querySelectorAll('li').forEach((li, i) => {
      li.className = i < n ? 'done' : '';
      if (i === n) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    });
    clear(box, card(null, h('h2', { tabindex: '-1', class: 'step-title' }, `第 ${n + 1} 步（共 ${STEPS.length} 步）：${STEPS[n]}`), panels[n]));
    box.querySelector('.step-title').focus();
  }

  clear(v, h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, '网上建小卡'),
    h('p', { class: 'sub' }, '《上海市孕产妇健康手册》网上建册 · 孕13周前完成'))), stepper, box);
  go(0);
  v.querySelector('h1').focus();
}
