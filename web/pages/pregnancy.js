// 孕产妇档案: GA, EDD, the colour badge with every factor, the visit
// timeline, the antenatal visit form (the badge re-grades on save), big card,
// delivery, postpartum visits and the continuation assessment of red cases.
import { api } from '../lib/api.js';
import {
  h, clear, card, field, wireForm, riskBadge, badge, badges, ga, fmtDate, fmtInstant, today, nowLocalMinute, notice,
  toast, link, COLORS, TRIMESTER, STATUS, OUTCOME, MODE, PRESENTATION, EDEMA, URINE_PROTEIN, LAB,
  SEX, PP_KIND, PP_TASK, TRIGGER, daysBetween,
} from '../lib/ui.js';
import { factorPicker } from '../lib/factors.js';

const CLIN = ['community_doctor', 'obstetrician', 'rescue_center'];
const opts = (m, blank) => [...(blank ? [['', blank]] : []), ...Object.entries(m)];

export const MEASURES = [
  ['weight_kg', '体重', 'kg'], ['sbp', '收缩压', 'mmHg'], ['dbp', '舒张压', 'mmHg'], ['fundal_height_cm', '宫高', 'cm'],
  ['abdominal_circumference_cm', '腹围', 'cm'], ['fetal_heart_rate', '胎心率', '次/分'], ['hb_g_l', '血红蛋白', 'g/L'],
  ['plt_10e9_l', '血小板', '×10⁹/L'], ['fasting_glucose_mmol_l', '空腹血糖', 'mmol/L'], ['creatinine_umol_l', '肌酐', 'μmol/L'],
  ['creatinine_uln_umol_l', '肌酐上限', 'μmol/L'], ['spo2_percent', '血氧饱和度', '%'], ['ef_percent', '射血分数', '%'],
  ['pasp_mmhg', '肺动脉收缩压', 'mmHg'],
];

export function measuresOf(v) {
  const out = [];
  if (v.sbp != null && v.dbp != null) out.push(['血压', `${v.sbp}/${v.dbp} mmHg`]);
  for (const [k, label, unit] of MEASURES) {
    if ((k === 'sbp' || k === 'dbp') && v.sbp != null && v.dbp != null) continue;
    if (v[k] != null) out.push([label, `${v[k]} ${unit}`]);
  }
  if (v.presentation) out.push(['胎方位', PRESENTATION[v.presentation] || v.presentation]);
  if (v.edema) out.push(['水肿', EDEMA[v.edema] || v.edema]);
  if (v.urine_protein) out.push(['尿蛋白', URINE_PROTEIN[v.urine_protein] || v.urine_protein]);
  const labNames = { hiv: 'HIV', syphilis: '梅毒', hbsag: '乙肝表面抗原' };
  for (const [k, l] of Object.entries(labNames)) if (v.labs && v.labs[k]) out.push([l, LAB[v.labs[k]] || v.labs[k]]);
  return out;
}

function measureLine(v) {
  const m = measuresOf(v);
  return m.length ? h('div', { class: 'measures' }, m.map(([k, val]) => h('span', {}, `${k} `, h('b', {}, val)))) : null;
}

// Everything that happened, newest first.
export function timelineEvents(p) {
  const ev = [];
  for (const c of p.cards || []) {
    ev.push({ date: c.date, ga: c.ga, dot: 'card', order: 0, title: `建立${c.label}`, body: c.institution_name });
  }
  for (const v of p.visits || []) {
    ev.push({
      date: v.date, ga: v.ga, dot: 'visit', order: 1,
      title: v.kind === 'labs' ? '检验结果' : '产前检查',
      body: [v.institution_name, measureLine(v),
        v.notes ? h('div', {}, `备注：${v.notes}`) : null,
        v.next_appointment ? h('div', {}, `下次预约：${fmtDate(v.next_appointment)}`) : null],
    });
  }
  let prev = null;
  const hist = [...(p.risk_history || [])].reverse(); // oldest first
  const after = { registration: 0.5, visit: 1.5, labs: 1.5, postpartum: 4.5 };
  for (const r of hist) {
    const key = `${r.color}/${r.purple}`;
    if (key !== prev) {
      ev.push({
        date: r.on_date, dot: 'risk', order: after[r.trigger] ?? 1.5,
        title: h('span', {}, prev ? '风险颜色变化 ' : '首次风险评估 ', badges(r.color, r.purple)),
        body: `${TRIGGER[r.trigger] || r.trigger}后评估 · ${(r.factors || []).map((f) => f.text).join('；') || '未发现风险因素'}`,
      });
    }
    prev = key;
  }
  if (p.delivery) {
    const d = p.delivery;
    ev.push({
      date: String(d.delivered_at).slice(0, 10), ga: d.ga, dot: 'delivery', order: 3, title: `分娩 · ${MODE[d.mode] || d.mode}`,
      body: [`${d.institution_name || ''} · ${fmtInstant(d.delivered_at)} · ${d.babies} 个新生儿`,
        d.epidural ? ' · 分娩镇痛' : '', d.blood_loss_ml != null ? ` · 出血 ${d.blood_loss_ml} ml` : ''],
    });
  }
  for (const v of p.postpartum?.visits || []) {
    ev.push({
      date: v.date, dot: 'visit', order: 4, title: PP_KIND[v.kind] || v.kind,
      body: [v.sbp != null ? `血压 ${v.sbp}/${v.dbp} mmHg ` : '', v.epds_score != null ? `EPDS ${v.epds_score} 分 ` : '', v.findings || ''],
    });
  }
  ev.forEach((e, i) => { e.idx = i; });
  return ev.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.order !== b.order ? b.order - a.order : b.idx - a.idx));
}

export function timeline(p) {
  const ev = timelineEvents(p);
  if (!ev.length) return h('p', { class: 'empty' }, '暂无记录');
  return h('ol', { class: 'timeline', 'aria-label': '孕期时间线' }, ev.map((e) => h('li', {},
    h('div', { class: 't-date' }, h('b', {}, e.date), e.ga ? ga(e.ga) : ''),
    h('div', { class: `t-dot dot-${e.dot}`, 'aria-hidden': 'true' }),
    h('div', {}, h('div', { class: 't-title' }, e.title), h('div', { class: 't-body' }, e.body)))));
}

export function scheduleView(p) {
  const s = p.schedule;
  if (!s) return h('p', { class: 'empty' }, '无产检安排');
  const next = p.next_visit;
  const t = today();
  return h('div', {},
    next ? h('div', { class: 'notice notice-info' },
      h('strong', {}, `下次产检：${next.name}`),
      h('div', {}, `${next.opens} 至 ${next.closes}（孕 ${next.ga_from.text}–${next.ga_to.text} 周）`),
      next.tests?.length ? h('div', { class: 'small' }, '检查项目：', next.tests.map((x) => x.name).join('、')) : null)
      : null,
    h('div', { class: 'windows' }, s.windows.map((w) => {
      const cls = !w.applies ? 'na' : w.filled ? 'done' : w.overdue ? 'late' : next && next.seq === w.seq ? 'next' : '';
      const state = !w.applies ? '建册前，不适用' : w.filled ? `已完成 ${w.filled_on}` : w.overdue ? '逾期未检' : w.closes < t ? '已过' : next && next.seq === w.seq ? '待检' : '未到';
      return h('div', { class: `window ${cls}` }, h('b', {}, w.name), h('div', { class: 'small' }, `${w.opens} ~ ${w.closes}`), h('div', { class: 'small' }, state));
    })),
    h('p', { class: 'hint' }, s.name));
}

function sideLists(p) {
  const c = p.case || {};
  const parts = [];
  if (c.state && c.state !== 'none') {
    parts.push(card('专案管理',
      h('p', {}, h('span', { class: `tag ${c.state === 'open' ? 'tag-warn' : 'tag-muted'}` }, c.state === 'open' ? '管理中' : '已结案'),
        ` 纳入时 `, badge(c.opened_color), c.opened_purple ? badge('purple') : null),
      h('p', { class: 'small' }, `纳入时间 ${fmtInstant(c.opened_at)} · 最高颜色 ${COLORS[c.max_color]?.short || c.max_color} · 管理机构 ${c.owner_institution_name || c.owner_institution || '—'}`),
      c.continuation_missing ? notice('error', '红色高风险：尚未记录“是否适宜继续妊娠”的评估。') : null,
      (p.notices || []).length ? h('ul', { class: 'list-plain small notices' }, p.notices.map((n) => h('li', {},
        h('span', {}, n.text), h('span', { class: 'tag tag-muted nowrap' }, `${n.recipient_name || n.recipient} · ${n.status === 'sent' ? '已送达' : '已报告'}`)))) : null));
  }
  if (p.status === 'open') parts.push(card('产检安排', scheduleView(p)));
  parts.push(card('风险评估记录', h('ol', { class: 'list-plain' }, (p.risk_history || []).slice(0, 12).map((r) => h('li', {},
    h('span', {}, h('b', { class: 'nowrap' }, r.on_date), ` ${TRIGGER[r.trigger] || r.trigger}`), badges(r.color, r.purple))))));
  if ((p.appointments || []).length) {
    parts.push(card('预约', h('ul', { class: 'list-plain' }, p.appointments.map((a) => h('li', {},
      h('span', {}, h('b', {}, a.date), ` ${a.institution_name}`), h('span', { class: 'tag tag-info' }, a.status === 'booked' ? '已预约' : a.status))))));
  }
  if ((p.reminders || []).length) {
    parts.push(card('短信提醒', h('ul', { class: 'list-plain small' }, p.reminders.map((r) => h('li', {},
      h('span', {}, r.text), h('span', { class: 'tag tag-muted nowrap' }, `${r.due_on} ${r.status === 'sent' ? '已发送' : r.status === 'cancelled' ? '已取消' : '待发送'}`))))));
  }
  if ((p.babies || []).length) {
    parts.push(card('新生儿', h('ul', { class: 'list-plain' }, p.babies.map((b) => h('li', {},
      h('span', {}, `第${b.birth_order}胎 · ${SEX[b.sex] || '—'} · ${b.weight_g} g${b.name ? ` · ${b.name}` : ''}`),
      b.child_id ? link(`#/children/${b.child_id}`, '儿童档案 →') : h('span', { class: 'tag tag-muted' }, '死胎/死产'))))));
  }
  if ((p.postpartum?.tasks || []).length) {
    parts.push(card('产后访视任务', h('ul', { class: 'list-plain' }, p.postpartum.tasks.map((t) => h('li', {},
      h('span', {}, h('b', {}, PP_TASK[t.kind] || t.kind), h('div', { class: 'small muted' }, `${t.due_from} ~ ${t.due_to} · ${t.institution_name || ''}`)),
      h('span', { class: `tag ${t.status === 'done' ? 'tag-ok' : t.due_to < today() ? 'tag-late' : 'tag-info'}` }, t.status === 'done' ? '已完成' : t.due_to < today() ? '逾期' : '待访视'))))));
  }
  return parts;
}

function header(p) {
  const w = p.woman;
  const flags = [];
  flags.push(h('span', { class: 'tag tag-muted' }, STATUS[p.status] || p.status));
  if (p.outcome && p.outcome !== 'delivery') flags.push(h('span', { class: 'tag tag-muted' }, OUTCOME[p.outcome] || p.outcome));
  if (p.early_registration) flags.push(h('span', { class: 'tag tag-ok' }, '早孕建册'));
  if (p.overdue) flags.push(h('span', { class: 'tag tag-late', 'data-testid': 'overdue' }, '逾期未检'));
  if (p.case?.state === 'open') flags.push(h('span', { class: 'tag tag-warn' }, '专案管理中'));
  const daysToEdd = daysBetween(today(), p.edd);
  // the factor list opens full width under the header, not in the narrow column
  const risk = riskBadge(p.risk);
  const panel = risk.querySelector('.risk-panel');
  panel.remove();
  return card(null, h('div', { class: 'record-head' },
    h('div', {},
      h('div', { class: 'record-name' }, h('h1', { tabindex: '-1' }, w.name),
        h('span', { class: 'muted' }, `${w.id_number} · ${w.age != null ? `${w.age}岁` : ''} · ${w.phone || ''}`),
        link(`#/women/${w.id}`, '妇女档案')),
      h('div', { class: 'flags' }, flags),
      h('div', { class: 'big-ga' },
        h('div', {}, h('div', { class: 'k' }, p.status === 'open' ? '孕周' : p.status === 'delivered' ? '分娩孕周' : '终止孕周'), h('div', { class: 'v', 'data-testid': 'ga' }, ga(p.ga))),
        h('div', {}, h('div', { class: 'k' }, '预产期'), h('div', { class: 'v', 'data-testid': 'edd' }, fmtDate(p.edd)),
          p.status === 'open' && daysToEdd >= 0 ? h('div', { class: 'small muted' }, `距预产期 ${daysToEdd} 天`) : null),
        h('div', {}, h('div', { class: 'k' }, '末次月经'), h('div', { class: 'v' }, fmtDate(p.lmp)),
          h('div', { class: 'small muted' }, p.dating === 'ultrasound' ? '按超声推算' : '按末次月经推算')),
        p.status === 'open' ? h('div', {}, h('div', { class: 'k' }, '孕期'), h('div', { class: 'v' }, TRIMESTER[p.trimester] || '—')) : null),
      h('div', { class: 'small muted' },
        (p.cards || []).map((c) => `${c.label}：${c.institution_name}（${c.date}，孕${c.ga.text}周）`).join('；'),
        ` · 孕${p.history.gravidity}产${p.history.parity} · BMI ${p.bmi ?? '—'} · 胎儿数 ${p.fetuses}`)),
    h('div', { class: 'record-risk' }, h('div', { class: 'k muted small' }, '妊娠风险（点击查看因素）'), risk)), panel);
}

export async function render(ctx) {
  const id = ctx.params.id;
  const view = ctx.view;
  let p = await api.get(`/pregnancies/${id}`);
  const role = ctx.user.role;
  const canVisit = CLIN.includes(role);
  const flash = h('div', { 'aria-live': 'polite' });
  if (ctx.query.new) {
    flash.append(notice('ok', h('strong', {}, '档案已建立。'), ` 首次风险筛查结果：${COLORS[p.risk.color]?.label}${p.risk.purple ? '＋紫色 传染病' : ''}。`));
  }

  const paint = async (focusBadge) => {
    const forms = [];
    const open = p.status === 'open';
    if (open && canVisit) forms.push(['visit', '录入产前检查', await visitForm(p, onSaved)]);
    if (open && role === 'obstetrician' && p.delivery_institution_id !== ctx.user.institution_id) forms.push(['bigcard', '建大卡', bigCardForm(p, ctx, onSaved)]);
    if (open && role === 'obstetrician') forms.push(['delivery', '分娩登记', deliveryForm(p, onSaved)]);
    if (open && p.risk.color === 'red' && (role === 'obstetrician' || role === 'rescue_center')) forms.push(['continuation', '继续妊娠评估', continuationForm(p, onSaved)]);
    if (p.status === 'delivered' && (role === 'community_doctor' || role === 'obstetrician')) forms.push(['postpartum', '产后访视', postpartumForm(p, onSaved)]);
    if (open && (role === 'community_doctor' || role === 'obstetrician')) forms.push(['referral', '转诊/会诊', referralForm(p, ctx)]);

    const tabs = h('div', { class: 'section-tabs', role: 'toolbar', 'aria-label': '录入' }, forms.map(([key, label], i) => h('button', {
      type: 'button', class: `btn ${i === 0 ? 'btn-primary' : ''}`, 'aria-pressed': String(i === 0), 'data-form': key,
      onclick: (ev) => {
        tabs.querySelectorAll('button').forEach((b) => { b.classList.remove('btn-primary'); b.setAttribute('aria-pressed', 'false'); });
        ev.currentTarget.classList.add('btn-primary');
        ev.currentTarget.setAttribute('aria-pressed', 'true');
        formsBox.querySelectorAll('[data-panel]').forEach((x) => { x.hidden = x.dataset.panel !== key; });
        formsBox.querySelector(`[data-panel="${key}"] input, [data-panel="${key}"] select, [data-panel="${key}"] button`)?.focus();
      },
    }, label)));
    const formsBox = h('div', {}, forms.map(([key, , el], i) => h('div', { 'data-panel': key, hidden: i !== 0 }, el)));

    clear(view,
      h('nav', { class: 'small muted', 'aria-label': '位置', style: { marginBottom: '8px' } }, link('#/worklists/high-risk', '工作清单'), ' / 孕产妇档案 ', p.id),
      flash, header(p),
      h('div', { class: 'grid grid-main' },
        h('div', {},
          forms.length ? card(null, tabs, formsBox) : null,
          card('孕期时间线', timeline(p))),
        h('div', {}, sideLists(p))));
    if (focusBadge) view.querySelector('[data-testid=risk-badge]')?.focus();
  };

  async function onSaved(next, message) {
    const before = p.risk;
    p = next;
    clear(flash);
    const changed = before.color !== p.risk.color || before.purple !== p.risk.purple;
    const label = `${COLORS[p.risk.color]?.label}${p.risk.purple ? '＋紫色 传染病' : ''}`;
    if (changed) {
      flash.append(notice(['orange', 'red'].includes(p.risk.color) || p.risk.purple ? 'warn' : 'ok',
        h('strong', {}, `${message}。风险评估由 ${COLORS[before.color]?.label} 变为 ${label}。`),
        p.case?.state === 'open' && (p.notices || []).length ? ' 已纳入专案管理，并已报告区妇幼保健所。' : ''));
    } else {
      flash.append(notice('ok', `${message}。风险评估：${label}。`));
    }
    toast(`${message} · ${label}`);
    await paint(true);
  }

  await paint(false);
}

async function visitForm(p, onSaved) {
  const labSel = (name, label) => field({ name, label, type: 'select', options: [['', '未检'], ['negative', '阴性'], ['positive', '阳性']] });
  const form = h('form', { class: 'form', 'aria-label': '产前检查' },
    h('div', { class: 'fields' },
      field({ name: 'date', label: '检查日期', type: 'date', required: true, value: today(), attrs: { max: today() } }),
      field({ name: 'weight_kg', label: '体重', type: 'number', unit: 'kg' }),
      field({ name: 'sbp', label: '收缩压', type: 'number', unit: 'mmHg' }),
      field({ name: 'dbp', label: '舒张压', type: 'number', unit: 'mmHg' }),
      field({ name: 'fundal_height_cm', label: '宫高', type: 'number', unit: 'cm' }),
      field({ name: 'abdominal_circumference_cm', label: '腹围', type: 'number', unit: 'cm' }),
      field({ name: 'fetal_heart_rate', label: '胎心率', type: 'number', unit: '次/分' }),
      field({ name: 'presentation', label: '胎方位', type: 'select', options: opts(PRESENTATION, '未查') }),
      field({ name: 'edema', label: '水肿', type: 'select', options: opts(EDEMA, '未查') }),
      field({ name: 'urine_protein', label: '尿蛋白', type: 'select', options: opts(URINE_PROTEIN, '未查') })),
    h('fieldset', {}, h('legend', {}, '检验'),
      h('div', { class: 'fields' },
        field({ name: 'hb_g_l', label: '血红蛋白 Hb', type: 'number', unit: 'g/L' }),
        field({ name: 'plt_10e9_l', label: '血小板 PLT', type: 'number', unit: '×10⁹/L' }),
        field({ name: 'fasting_glucose_mmol_l', label: '空腹血糖', type: 'number', unit: 'mmol/L' }),
        labSel('labs.hiv', 'HIV 抗体'), labSel('labs.syphilis', '梅毒'), labSel('labs.hbsag', '乙肝表面抗原')),
      h('details', { class: 'more' }, h('summary', {}, '更多检验（肾功能、心肺）'),
        h('div', { class: 'fields' },
          field({ name: 'creatinine_umol_l', label: '肌酐', type: 'number', unit: 'μmol/L' }),
          field({ name: 'creatinine_uln_umol_l', label: '肌酐正常值上限', type: 'number', unit: 'μmol/L' }),
          field({ name: 'spo2_percent', label: '血氧饱和度', type: 'number', unit: '%' }),
          field({ name: 'ef_percent', label: '左室射血分数', type: 'number', unit: '%' }),
          field({ name: 'pasp_mmhg', label: '肺动脉收缩压', type: 'number', unit: 'mmHg' })))),
    await factorPicker(p.declared_factors || []),
    h('div', { class: 'fields' },
      field({ name: 'next_appointment', label: '下次预约日期', type: 'date', attrs: { min: today() } }),
      field({ name: 'notes', label: '处理意见与备注', type: 'textarea', wide: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '保存产检并重新评估风险'),
      h('span', { class: 'hint' }, '保存后系统按评估表重新分级，颜色立即更新。')));
  return wireForm(form, {
    pending: '正在保存并评估…',
    action: (body) => api.post(`/pregnancies/${p.id}/visits`, body),
    done: (next) => onSaved(next, '产前检查已保存'),
  });
}

function bigCardForm(p, ctx, onSaved) {
  const form = h('form', { class: 'form' },
    h('p', {}, `在 ${ctx.me.institution_name} 为 ${p.woman.name} 建立大卡（医院建档），此后产前检查在本院进行；专案管理随之转到本院。`),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '建立大卡')));
  return wireForm(form, {
    pending: '正在建大卡…',
    action: () => api.post(`/pregnancies/${p.id}/big-card`, { institution_id: ctx.user.institution_id }),
    done: (next) => onSaved(next, '大卡已建立'),
  });
}

const CS_INDICATIONS = ['胎儿窘迫', '头盆不称', '瘢痕子宫', '胎位异常', '前置胎盘', '胎盘早剥', '重度子痫前期', '产程停滞', '引产失败', '多胎妊娠', '巨大儿'];

function babyFields(i) {
  return h('fieldset', { 'data-baby': i }, h('legend', {}, `新生儿 ${i + 1}`),
    h('div', { class: 'fields' },
      field({ name: `babies[${i}].outcome`, label: '结局', type: 'select', required: true, options: [['live', '活产'], ['stillbirth', '死胎/死产']] }),
      field({ name: `babies[${i}].sex`, label: '性别', type: 'select', required: true, intType: true, options: [['', '请选择'], ['1', '男'], ['2', '女'], ['9', '未定']] }),
      field({ name: `babies[${i}].weight_g`, label: '出生体重', type: 'number', required: true, unit: 'g', intType: true }),
      field({ name: `babies[${i}].length_cm`, label: '身长', type: 'number', unit: 'cm' }),
      field({ name: `babies[${i}].head_cm`, label: '头围', type: 'number', unit: 'cm' }),
      field({ name: `babies[${i}].apgar_1`, label: 'Apgar 1分钟', type: 'number', intType: true, attrs: { min: 0, max: 10 } }),
      field({ name: `babies[${i}].apgar_5`, label: 'Apgar 5分钟', type: 'number', intType: true, attrs: { min: 0, max: 10 } })));
}

function deliveryForm(p, onSaved) {
  const babies = h('div', {}, babyFields(0));
  const ind = field({ name: 'cs_indication', label: '剖宫产指征', type: 'select', options: [['', '请选择'], ...CS_INDICATIONS.map((x) => [x, x]), ['none', '无医学指征（社会因素）']] });
  ind.hidden = true;
  const mode = field({ name: 'mode', label: '分娩方式', type: 'select', required: true, options: [['', '请选择'], ...Object.entries(MODE)] });
  mode.querySelector('select').addEventListener('change', (ev) => { ind.hidden = ev.target.value !== 'caesarean'; });
  const add = h('button', { type: 'button', class: 'btn btn-sm' }, '＋ 添加新生儿（多胎）');
  add.addEventListener('click', () => {
    const n = babies.querySelectorAll('[data-baby]').length;
    if (n < 6) babies.append(babyFields(n));
  });
  const gaWeeks = p.ga.weeks;
  const form = h('form', { class: 'form', 'aria-label': '分娩登记' },
    gaWeeks < 28 ? notice('warn', '当前孕周不足28周：孕28周前的妊娠终止应按流产/引产结案。') : null,
    h('div', { class: 'fields' },
      field({ name: 'delivered_at', label: '分娩时间', type: 'datetime-local', required: true, value: nowLocalMinute() }),
      mode, ind,
      field({ name: 'blood_loss_ml', label: '出血量', type: 'number', unit: 'ml', intType: true }),
      field({ name: 'epidural', label: '分娩镇痛（无痛分娩）', type: 'checkbox' }),
      field({ name: 'complications', label: '并发症', wide: true, hint: '如：产后出血、会阴裂伤；无则不填' })),
    babies, h('div', { style: { marginBottom: '12px' } }, add),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '保存分娩记录'),
      h('span', { class: 'hint' }, '保存后建立新生儿档案，并向居住地社区卫生服务中心派发产后访视任务。')));
  return wireForm(form, {
    pending: '正在保存分娩记录…',
    action: (body) => api.post(`/pregnancies/${p.id}/delivery`, body),
    done: (next) => onSaved(next, '分娩记录已保存'),
  });
}

function postpartumForm(p, onSaved) {
  const form = h('form', { class: 'form', 'aria-label': '产后访视' },
    h('div', { class: 'fields' },
      field({ name: 'kind', label: '类别', type: 'select', required: true, options: Object.entries(PP_KIND) }),
      field({ name: 'date', label: '访视日期', type: 'date', required: true, value: today(), attrs: { max: today() } }),
      field({ name: 'sbp', label: '收缩压', type: 'number', unit: 'mmHg' }),
      field({ name: 'dbp', label: '舒张压', type: 'number', unit: 'mmHg' }),
      field({ name: 'epds_score', label: 'EPDS 评分', type: 'number', intType: true, attrs: { min: 0, max: 30 }, hint: '≥13 分提示产后抑郁' }),
      field({ name: 'findings', label: '访视所见与指导', type: 'textarea', wide: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '保存访视')));
  return wireForm(form, {
    action: (body) => api.post(`/pregnancies/${p.id}/postpartum-visits`, body),
    done: (next) => onSaved(next, '产后访视已保存'),
  });
}

function continuationForm(p, onSaved) {
  const form = h('form', { class: 'form', 'aria-label': '继续妊娠评估' },
    notice('warn', '红色高风险：尽快评估是否适宜继续妊娠。“不宜继续妊娠”须由副主任医师及以上确认，告知风险并书面建议，记录孕妇的决定。'),
    h('div', { class: 'fields' },
      field({ name: 'suitable', label: '评估结论', type: 'select', required: true, options: [['', '请选择'], ['true', '适宜继续妊娠'], ['false', '不宜继续妊娠']] }),
      field({ name: 'assessed_by', label: '评估医生', required: true }),
      field({ name: 'senior_title', label: '职称', hint: '如：副主任医师、主任医师' }),
      field({ name: 'advice', label: '书面建议', type: 'textarea', required: true, wide: true }),
      field({ name: 'woman_decision', label: '孕妇本人的决定', type: 'textarea', required: true, wide: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '保存评估')));
  return wireForm(form, {
    action: (body) => api.post(`/pregnancies/${p.id}/continuation`, { ...body, suitable: body.suitable === undefined ? undefined : body.suitable === 'true' }),
    done: (next) => onSaved(next, '继续妊娠评估已保存'),
  });
}

// 转诊/会诊 to the critical maternal rescue centre paired with her district.
function referralForm(p, ctx) {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', 'aria-label': '转诊或会诊申请' },
    h('input', { type: 'hidden', name: 'kind', value: 'maternal' }),
    h('input', { type: 'hidden', name: 'pregnancy_id', value: p.id }),
    h('input', { type: 'hidden', name: 'from_institution_id', value: ctx.user.institution_id || '' }),
    h('p', { class: 'small muted' }, '申请将按孕妇居住区自动派往对口的危重孕产妇会诊抢救中心。'),
    h('div', { class: 'fields' },
      field({ name: 'type', label: '类型', type: 'select', required: true, options: [['referral', '转诊'], ['consultation', '会诊']] }),
      field({ name: 'urgency', label: '紧急程度', type: 'select', required: true, options: [['urgent', '加急'], ['emergency', '紧急'], ['routine', '常规']] }),
      field({ name: 'reason', label: '转诊原因', type: 'textarea', required: true, wide: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '提交申请')));
  wireForm(form, {
    pending: '正在提交…',
    action: (body) => api.post('/referrals', body),
    done: (r) => {
      toast(`已提交，接收中心：${r.center_name || r.center_id}`);
      clear(out, notice('ok', h('strong', {}, `${r.type === 'consultation' ? '会诊' : '转诊'}申请已提交。`),
        ` 接收中心：${r.center_name || r.center_id} · 状态：${r.state_label || r.state}。`, link('#/referrals', '查看转诊清单 →')));
      form.reset();
    },
  });
  return h('div', {}, out, form);
}
