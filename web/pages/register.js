// 登记孕产期档案: the small card (community centre) or the big card
// (delivery hospital) for one woman, with the first risk screening.
import { api } from '../lib/api.js';
import {
  h, clear, pageHead, card, field, wireForm, notice, today, gaFromLmp, addDays, busy, errorNotice, dl, fmtDate, normalizeDate,
} from '../lib/ui.js';
import { factorPicker } from '../lib/factors.js';

export async function render(ctx) {
  const { user, me } = ctx;
  const womanId = ctx.params.id;
  let woman = null;
  try { woman = await api.get(`/women/${womanId}`); } catch (e) { if (e.status !== 403 && e.status !== 404) throw e; }
  const big = user.role === 'obstetrician';
  const cardLabel = big ? '大卡（医院建档）' : '小卡（社区建册）';

  const preview = h('div', { class: 'notice notice-info', 'aria-live': 'polite' }, '填写末次月经后显示孕周与预产期。');
  const lmp = field({ name: 'lmp', label: '末次月经', type: 'date', required: true, attrs: { max: today() } });
  const dating = field({ name: 'dating', label: '孕周推算方式', type: 'select', options: [['lmp', '按末次月经'], ['ultrasound', '按早孕超声']], value: 'lmp' });
  const usEdd = field({ name: 'ultrasound_edd', label: '超声预产期', type: 'date', hint: '按超声推算时必填' });
  usEdd.hidden = true;
  dating.querySelector('select').addEventListener('change', (ev) => { usEdd.hidden = ev.target.value !== 'ultrasound'; });
  lmp.querySelector('input').addEventListener('input', (ev) => {
    const v = normalizeDate(ev.target.value);
    const g = /^\d{4}-\d{2}-\d{2}$/.test(v) && gaFromLmp(v);
    if (!g) { clear(preview, '填写末次月经后显示孕周与预产期。'); return; }
    const deadline = addDays(v, 90);
    clear(preview, h('strong', {}, `孕周 ${g.text}周`), ` · 预产期 ${addDays(v, 280)} · `,
      g.weeks < 13 ? `早孕建册（孕13周前，截止 ${deadline}）` : h('span', {}, '已过孕13周，不计为早孕建册'));
  });

  const form = h('form', { class: 'form', 'aria-label': '孕产期登记' },
    h('input', { type: 'hidden', name: 'woman_id', value: womanId }),
    h('input', { type: 'hidden', name: 'card', value: big ? 'big' : 'small' }),
    h('input', { type: 'hidden', name: 'institution_id', value: user.institution_id || '' }),
    h('fieldset', {}, h('legend', {}, '本次妊娠'),
      h('div', { class: 'fields' }, lmp, dating, usEdd,
        field({ name: 'gravidity', label: '孕次（含本次）', type: 'number', required: true, value: 1, intType: true, attrs: { min: 1, max: 20, step: 1 } }),
        field({ name: 'parity', label: '产次', type: 'number', required: true, value: 0, intType: true, attrs: { min: 0, max: 15, step: 1 } }),
        field({ name: 'fetuses', label: '胎儿数', type: 'number', value: 1, intType: true, attrs: { min: 1, max: 6, step: 1 } })),
      preview),
    h('fieldset', {}, h('legend', {}, '身高体重（计算 BMI）'),
      h('div', { class: 'fields' },
        field({ name: 'height_cm', label: '身高', type: 'number', required: true, unit: 'cm', attrs: { min: 120, max: 200 } }),
        field({ name: 'weight_kg', label: '体重', type: 'number', required: true, unit: 'kg', attrs: { min: 30, max: 200 } }))),
    h('fieldset', {}, h('legend', {}, '既往史'),
      h('div', { class: 'fields' },
        field({ name: 'previous_caesareans', label: '既往剖宫产次数', type: 'number', value: 0, intType: true, attrs: { min: 0, max: 10, step: 1 } }),
        field({ name: 'other_uterine_operations', label: '其他子宫手术次数', type: 'number', value: 0, intType: true, attrs: { min: 0, max: 10, step: 1 }, hint: '宫角妊娠、子宫肌瘤挖除术等' }),
        field({ name: 'last_uterine_surgery_date', label: '末次子宫手术日期', type: 'date' }),
        field({ name: 'previous_miscarriages', label: '既往流产次数', type: 'number', value: 0, intType: true, attrs: { min: 0, max: 20, step: 1 } }),
        field({ name: 'assisted_reproduction', label: '本次为辅助生殖妊娠', type: 'checkbox' }))),
    await factorPicker([]),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, `建立${cardLabel}并完成首次风险筛查`),
      h('a', { class: 'btn btn-ghost', href: woman ? `#/women/${womanId}` : '#/workbench' }, '取消')));
  const conflict = h('div', {});
  wireForm(form, {
    pending: '正在建档并评估风险…',
    action: async (body) => {
      clear(conflict);
      try {
        return await api.post('/pregnancies', body);
      } catch (e) {
        if (e.status === 409 && e.problem.existing_id) conflict.append(openPregnancy(ctx, e.problem.existing_id, big));
        throw e;
      }
    },
    done: (p) => ctx.go(`#/pregnancies/${p.id}?new=1`),
  });

  clear(ctx.view,
    pageHead(`登记孕产期档案：${woman ? woman.name : `档案号 ${womanId}`}`, `第 2 步（共 2 步）· ${cardLabel} · ${me.institution_name || ''}`),
    woman ? card(null, dl([['姓名', woman.name], ['证件号码', woman.id_number], ['出生日期', fmtDate(woman.birth_date)],
      ['年龄', woman.age != null ? `${woman.age}岁` : '—'], ['手机', woman.phone], ['居住区', woman.residence_district_name]])) : null,
    conflict, card(null, form));
  lmp.querySelector('input').focus();
}

// She already has an open pregnancy: the hospital opens its big card on it.
function openPregnancy(ctx, pid, big) {
  const btn = h('button', { type: 'button', class: 'btn btn-primary btn-sm' }, '在本院建大卡');
  const out = h('div', {});
  btn.addEventListener('click', async () => {
    try {
      await busy(btn, '正在建大卡…', () => api.post(`/pregnancies/${pid}/big-card`, { institution_id: ctx.user.institution_id }));
      ctx.go(`#/pregnancies/${pid}`);
    } catch (e) {
      if (e.status === 409 && e.code === 'big_card_exists') ctx.go(`#/pregnancies/${pid}`);
      else clear(out, errorNotice(e));
    }
  });
  return h('div', {}, notice('warn', h('strong', {}, `她已有一个未结束的孕产期档案（档案号 ${pid}）。`), ' ',
    big ? ['已在社区建小卡的孕妇，在本院建大卡即可继续产检。 ', btn] : h('a', { class: 'btn btn-sm', href: `#/pregnancies/${pid}` }, '打开该档案 →')), out);
}
