// 儿童档案 and its growth chart (weight and length by age, and the WHO
// z-scores with the normal band), shared by the mothers' portal and the
// clinicians' child page, with the child health check form for doctors.
import { api } from '../lib/api.js';
import {
  h, clear, pageHead, card, dl, field, wireForm, fmtDate, link, loading, errorNotice, notice, today, table, SEX, toast, busy, zh, fmtInstant,
} from '../lib/ui.js';
import { draw, chartBox } from '../lib/charts.js';

const Z = { wfa: '年龄别体重', lhfa: '年龄别身长/身高', wflh: '身长/身高别体重', bmi: '年龄别BMI', hcfa: '年龄别头围' };
const FINDINGS = { underweight: '低体重', stunting: '生长迟缓', wasting: '消瘦', overweight: '超重', obesity: '肥胖' };

export function childFacts(c) {
  return dl([
    ['姓名', c.name || '（未取名）'], ['性别', c.sex_label || SEX[c.sex] || '—'], ['出生日期', fmtDate(c.birth_date)],
    ['出生时间', c.born_at ? String(c.born_at).replace('T', ' ').slice(0, 16) : '—'],
    ['出生孕周', c.ga_at_birth ? `${c.ga_at_birth.text}周` : '—'], ['出生体重', c.weight_g ? `${c.weight_g} g` : '—'],
    ['身长', c.length_cm ? `${c.length_cm} cm` : '—'], ['头围', c.head_cm ? `${c.head_cm} cm` : '—'],
    ['Apgar', c.apgar_1 != null ? `${c.apgar_1} / ${c.apgar_5 ?? '—'}` : '—'],
    ['母亲', c.mother?.name || '—'],
  ]);
}

export function childFlags(c) {
  const f = [];
  if (c.preterm) f.push(h('span', { class: 'tag tag-warn' }, '早产儿'));
  if (c.low_birth_weight) f.push(h('span', { class: 'tag tag-warn' }, '低出生体重'));
  if (c.macrosomia) f.push(h('span', { class: 'tag tag-info' }, '巨大儿'));
  return f.length ? h('div', { class: 'flags' }, f) : null;
}

// The growth block: charts when there are scored checks; a Chinese notice
// when the growth service is not there yet.
export async function renderGrowth(box, child) {
  clear(box, loading('正在加载生长曲线…'));
  let g;
  try {
    g = await api.get(`/children/${child.id}/growth`);
  } catch (e) {
    clear(box, e.missing ? notice('info', h('strong', {}, '生长曲线即将开通。'), ' 儿童健康检查的身长体重录入后，这里会显示宝宝的生长曲线和评价。')
      : errorNotice(e));
    return;
  }
  const points = g.points || [];
  // the birth measurements start the curve
  const birth = { age_months: 0, weight_kg: child.weight_g ? child.weight_g / 1000 : null, length_cm: child.length_cm ?? null, date: child.birth_date, birth: true };
  const series = [birth, ...points].filter((p) => p.weight_kg != null || p.length_cm != null);
  if (points.length === 0) {
    clear(box, notice('info', '还没有儿童健康检查的测量记录。满月、3、6、8、12月龄等体检后，这里会显示生长曲线。'),
      series.length ? h('p', { class: 'muted' }, `出生：体重 ${birth.weight_kg ?? '—'} kg，身长 ${birth.length_cm ?? '—'} cm`) : null);
    return;
  }
  const last = points[points.length - 1];
  const findings = Object.entries(last.classification || {}).filter(([, v]) => v).map(([k]) => FINDINGS[k] || k);
  const sizeChart = chartBox();
  const zChart = chartBox('chart chart-sm');
  clear(box,
    h('div', { class: 'notice notice-info' },
      h('strong', {}, `最近一次 ${last.date}（${Number(last.age_months).toFixed(1)} 月龄${last.corrected ? '，按矫正月龄' : ''}）：`),
      ` 体重 ${last.weight_kg ?? '—'} kg · 身长 ${last.length_cm ?? '—'} cm${last.head_cm != null ? ` · 头围 ${last.head_cm} cm` : ''} · `,
      findings.length ? h('b', { style: { color: 'var(--err)' } }, `评价：${findings.join('、')}`) : h('b', {}, '评价：生长正常')),
    h('h3', {}, '体重与身长'), sizeChart,
    h('h3', {}, 'Z 评分（绿色区间为 −2 至 +2 的正常范围）'), zChart,
    h('p', { class: 'hint' }, points[0]?.reference_label || '依据 WHO 儿童生长标准'));
  const axisX = { type: 'value', name: '月龄', nameLocation: 'middle', nameGap: 26, min: 0 };
  await draw(sizeChart, {
    grid: { left: 8, right: 8, top: 36, bottom: 30, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v == null ? '—' : String(v)) },
    legend: { top: 0 },
    xAxis: axisX,
    yAxis: [{ type: 'value', name: '体重 kg', scale: true }, { type: 'value', name: '身长 cm', scale: true, splitLine: { show: false } }],
    series: [
      { name: '体重 (kg)', type: 'line', symbolSize: 8, data: series.filter((p) => p.weight_kg != null).map((p) => [Number(p.age_months), p.weight_kg]) },
      { name: '身长 (cm)', type: 'line', yAxisIndex: 1, symbolSize: 8, data: series.filter((p) => p.length_cm != null).map((p) => [Number(p.age_months), p.length_cm]) },
    ],
  }, { label: '宝宝体重和身长随月龄变化的曲线' });
  const zs = Object.keys(Z).filter((k) => points.some((p) => p.zscores && p.zscores[k] != null));
  await draw(zChart, {
    grid: { left: 8, right: 24, top: 64, bottom: 30, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { fontSize: 11 } },
    xAxis: axisX,
    yAxis: { type: 'value', min: -4, max: 4, interval: 1 },
    series: zs.map((k, i) => ({
      name: Z[k], type: 'line', symbolSize: 7,
      data: points.filter((p) => p.zscores?.[k] != null).map((p) => [Number(p.age_months), p.zscores[k]]),
      ...(i === 0 ? {
        markArea: { silent: true, itemStyle: { color: 'rgba(46,125,50,0.08)' }, data: [[{ yAxis: -2 }, { yAxis: 2 }]] },
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#c62828' }, label: { position: 'insideEndTop', formatter: (p) => (p.value > 0 ? '+2' : '−2') }, data: [{ yAxis: -2 }, { yAxis: 2 }] },
      } : {}),
    })),
  }, { label: '宝宝生长 Z 评分曲线' });
}

function checkForm(child, onSaved) {
  const form = h('form', { class: 'form', 'aria-label': '儿童健康检查' },
    h('div', { class: 'fields' },
      field({ name: 'date', label: '检查日期', type: 'date', required: true, value: today() }),
      field({ name: 'weight_kg', label: '体重', type: 'number', unit: 'kg' }),
      field({ name: 'length_cm', label: '身长/身高', type: 'number', unit: 'cm' }),
      field({ name: 'measured', label: '测量方式', type: 'select', options: [['recumbent', '卧位（2岁以下）'], ['standing', '立位']] }),
      field({ name: 'head_cm', label: '头围', type: 'number', unit: 'cm' }),
      field({ name: 'hb_g_l', label: '血红蛋白', type: 'number', unit: 'g/L' }),
      field({ name: 'notes', label: '备注', type: 'textarea', wide: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '保存检查并计算Z评分')));
  return wireForm(form, {
    action: (body) => api.post(`/children/${child.id}/checks`, body),
    done: onSaved,
  });
}

export async function render(ctx) {
  const c = await api.get(`/children/${ctx.params.id}`);
  const growth = h('div', {});
  const staff = ['community_doctor', 'obstetrician'].includes(ctx.user.role);
  const screenBox = h('div', {}, loading());
  const certBox = h('div', {}, loading());
  clear(ctx.view,
    pageHead(`${c.name || `${c.mother?.name || ''}之${SEX[c.sex] === '女' ? '女' : SEX[c.sex] === '男' ? '子' : '婴'}`}`, `儿童档案 · ${c.sex_label || ''} · 出生 ${fmtDate(c.birth_date)}`,
      c.pregnancy_id && ctx.user.role !== 'citizen' ? link(`#/pregnancies/${c.pregnancy_id}`, '母亲孕产期档案 →', { class: 'btn' }) : null),
    card('出生情况', childFlags(c), childFacts(c)),
    card('生长曲线', growth),
    staff ? card('儿童健康检查', checkForm(c, async () => { toast('检查已保存'); await renderGrowth(growth, c); })) : null,
    card('新生儿疾病筛查', screenBox),
    staff ? card('出生医学证明', certBox) : null);
  if (staff) fillCertificate(certBox, c, ctx);
  renderGrowth(growth, c);
  try {
    const s = await api.get(`/children/${c.id}/screenings`);
    const KIND = { metabolic: '遗传代谢病筛查', hearing: '听力筛查', chd: '先心病筛查' };
    const RES = { negative: '阴性', positive: '阳性', refer: '未通过', refused: '拒绝', not_done: '未做' };
    clear(screenBox, table([
      { label: '项目', render: (x) => KIND[x.kind] || x.kind },
      { label: '采样/检测', render: (x) => String(x.sampled_at || x.date || '').replace('T', ' ').slice(0, 16) || '—' },
      { label: '结果', render: (x) => RES[x.result] || x.result_label || x.result },
      { label: '确诊', render: (x) => (x.diagnosis ? (x.diagnosis.diagnosis || '已确诊') : '—') },
    ], s.items || [], { empty: '尚无筛查记录' }));
  } catch (e) {
    clear(screenBox, errorNotice(e, '新生儿筛查'));
  }
}

// 出生医学证明签发 (delivery hospital): the application of this child and,
// for the obstetrician, the button that takes the next number of the block.
async function fillCertificate(box, child, ctx) {
  let items;
  try {
    items = (await api.get('/birth-certificates', { child_id: child.id })).items || [];
  } catch (e) {
    clear(box, errorNotice(e, '出生医学证明'));
    return;
  }
  const c = items.find((x) => x.status !== 'voided') || items[0];
  if (!c) {
    clear(box, h('p', { class: 'muted' }, '尚未申请。母亲可在“孕妈妈”端在线申请，或由医院代为申请。'));
    return;
  }
  const issueBtn = c.status === 'applied' && ctx.user.role === 'obstetrician'
    ? h('button', { type: 'button', class: 'btn btn-primary' }, '签发（取本院下一个编号）') : null;
  clear(box, dl([
    ['状态', zh(c.status_label) || c.status], ['类型', zh(c.kind_label)], ['新生儿姓名', c.child_name],
    ['证明编号', c.number || '—'], ['签发日期', c.issue_date || '—'], ['签发机构', c.issuing_institution_name || '—'],
    ['申请时间', fmtInstant(c.applied_at)],
  ]), h('div', { class: 'form-actions', style: { marginTop: '10px' } }, issueBtn,
    c.links?.pdf && c.status === 'issued' ? h('a', { class: 'btn', href: c.links.pdf, target: '_blank', rel: 'noopener' }, '打印证明（PDF）') : null),
  h('div', { 'aria-live': 'polite', 'data-msg': '' }));
  if (issueBtn) {
    issueBtn.addEventListener('click', async () => {
      try {
        const r = await busy(issueBtn, '正在签发…', () => api.post(`/birth-certificates/${c.id}/issue`, {}));
        toast(`已签发：${r.number}`);
        await fillCertificate(box, child, ctx);
      } catch (e) {
        clear(box.querySelector('[data-msg]'), errorNotice(e));
      }
    });
  }
}
