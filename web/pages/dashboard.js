// 全市看板 / 辖区概览 (district and city officials): the main indicators of the
// report year by district (or institution) and by month, drawn with
// ECharts; the district table; the high-risk and review lists; exports.
import { api, districts } from '../lib/api.js';
import {
  h, clear, pageHead, card, table, badges, ga, link, loading, errorNotice, notice, missingNotice, busy, toast, today, COLORS, zh,
} from '../lib/ui.js';
import { icon } from '../lib/icons.js';
import { draw, chartBox } from '../lib/charts.js';
import { countOf } from '../lib/worklists.js';

// The indicators an official looks at first, in this order.
const MAIN = ['early_registration', 'system_management', 'antenatal_check', 'postpartum_visit', 'hospital_delivery',
  'caesarean_rate', 'epidural_rate', 'high_risk_share', 'high_risk_management', 'preterm_birth', 'low_birth_weight',
  'maternal_mortality', 'infant_mortality', 'perinatal_mortality', 'newborn_visit', 'metabolic_screening'];

export function reportYearOf(date) {
  const [y, m] = date.split('-').map(Number);
  return m >= 10 ? y + 1 : y;
}

function fmtValue(ind) {
  if (!ind || ind.value === null || ind.value === undefined) return '—';
  const v = Number(ind.value);
  return ind.unit === '%' || !ind.unit ? v.toFixed(1) : v.toFixed(2);
}

function byId(list) { return Object.fromEntries((list || []).map((i) => [i.id, i])); }

export async function render(ctx) {
  const role = ctx.user.role;
  const city = role !== 'district_admin';
  const defYear = reportYearOf(today());
  const explicitYear = !!ctx.query.year;
  let year = parseInt(ctx.query.year || defYear, 10);
  const district = city ? (ctx.query.district || '') : '';
  const ds = await districts();
  const dname = city ? (district ? ds.find((d) => d.code === district)?.name : '全市') : ctx.me.district_name;
  const groupBy = city && !district ? 'district' : 'institution';
  const groupWord = groupBy === 'district' ? '各区' : '各机构';

  const setQuery = (over) => {
    const q = new URLSearchParams({ ...(ctx.query.year ? { year: String(year) } : {}), ...(district ? { district } : {}), ...(ctx.query.ind ? { ind: ctx.query.ind } : {}), ...over });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    ctx.go(`#/overview${q.toString() ? `?${q}` : ''}`);
  };

  // toolbar: year, district, exports
  const yearSel = h('select', { id: 'dash-year' });
  const distSel = city ? h('select', { id: 'dash-district' }, [['', '全市'], ...ds.map((d) => [d.code, d.name])]
    .map(([v, l]) => h('option', { value: v, selected: v === district }, l))) : null;
  if (distSel) distSel.addEventListener('change', () => setQuery({ district: distSel.value }));
  const exportBtn = (fmt, label) => {
    const b = h('button', { type: 'button', class: 'btn', 'data-export': fmt }, icon('download', 16), label);
    b.addEventListener('click', () => exportFile(b, fmt, year, district));
    return b;
  };
  const toolbar = h('div', { class: 'toolbar' },
    h('div', { class: 'field' }, h('label', { for: 'dash-year' }, '统计年度'), yearSel),
    distSel ? h('div', { class: 'field' }, h('label', { for: 'dash-district' }, '区'), distSel) : null,
    h('div', { class: 'actions', style: { marginLeft: 'auto' } }, exportBtn('xlsx', '导出 Excel'), exportBtn('csv', '导出 CSV')));

  const status = h('div', { 'aria-live': 'polite' });
  const kpiBox = h('div', {}, loading('正在计算指标…'));
  const groupChart = chartBox();
  const monthChart = chartBox();
  const colorChart = chartBox('chart chart-sm');
  const groupCard = card(`${groupWord}对比`, h('div', {}, loading()));
  const monthCard = card('按月趋势', h('div', {}, loading()));
  const tableCard = card(groupBy === 'district' ? '各区指标表' : '本区各机构指标表', loading());
  const riskCard = card('高危专案', loading());
  const reviewCard = card('待评审', loading());
  const colorCard = card('在管高危孕产妇颜色分布', colorChart, h('p', { class: 'hint' }, '紫色（传染病）可与其他颜色并存，故各色之和可大于在管人数。'));

  clear(ctx.view,
    pageHead(city ? '全市看板' : `辖区概览 · ${dname}`, null),
    card(null, toolbar, status),
    card('主要指标', kpiBox),
    h('div', { class: 'grid grid-2' }, groupCard, monthCard),
    tableCard,
    h('div', { class: 'grid grid-3' }, colorCard, riskCard, reviewCard));

  // worklists and the colour chart do not depend on the indicators
  const listQuery = district ? { district } : {};
  const lists = Promise.all([drawColors(colorChart, listQuery), fillList(riskCard, 'high-risk', '高危专案', listQuery), fillList(reviewCard, 'reviews', '待评审', listQuery)]);

  let total; let grouped; let monthly;
  const load = async (y) => {
    const base = { year: y, ...(district ? { district } : {}) };
    return Promise.all([api.get('/indicators', base), api.get('/indicators', { ...base, by: groupBy }), api.get('/indicators', { ...base, by: 'month' })]);
  };
  try {
    [total, grouped, monthly] = await load(year);
    const empty = (t) => !(t.indicators || []).some((i) => i.denominator > 0);
    if (!explicitYear && empty(total)) {
      const [t2, g2, m2] = await load(year - 1);
      if (!empty(t2)) {
        status.append(notice('info', `${year} 统计年度（${total.period.from} 至 ${total.period.to}）尚无数据，已显示 ${year - 1} 统计年度。`));
        year -= 1;
        [total, grouped, monthly] = [t2, g2, m2];
      }
    }
  } catch (e) {
    const msg = e.missing ? missingNotice('统计指标') : errorNotice(e);
    clear(kpiBox, msg);
    clear(groupCard, h('h2', {}, `${groupWord}对比`), h('p', { class: 'muted' }, '指标接口上线后显示。'));
    clear(monthCard, h('h2', {}, '按月趋势'), h('p', { class: 'muted' }, '指标接口上线后显示。'));
    clear(tableCard, h('h2', {}, '指标表'), h('p', { class: 'muted' }, '指标接口上线后显示。'));
    fillYears(yearSel, year, defYear, setQuery);
    await lists;
    return;
  }
  fillYears(yearSel, year, defYear, setQuery);
  const period = total.period ? `${total.period.from} 至 ${total.period.to}` : '';
  status.prepend(h('p', { class: 'muted small', style: { margin: 0 } },
    `统计年度 ${total.year}（${period}） · ${dname}`, total.elapsed_ms != null ? ` · 计算用时 ${Math.round(total.elapsed_ms)} ms` : ''));

  const all = total.indicators || [];
  const info = byId(all);
  const main = MAIN.filter((id) => info[id]);
  let selected = info[ctx.query.ind] ? ctx.query.ind
    : (main.find((id) => info[id].numerator > 0) || main.find((id) => info[id].denominator > 0) || main[0] || all[0]?.id);

  const paintCharts = () => {
    const ind = info[selected];
    const groups = grouped.groups || [];
    const value = (g) => byId(g.indicators)[selected];
    clear(groupCard, h('div', { class: 'card-head' }, h('h2', {}, `${groupWord}对比 · ${ind.name}`, groupBy === 'district' ? '' : h('span', { class: 'muted small' }, '（例数最多的12家）')), h('span', { class: 'muted small' }, ind.unit || '')), groups.length ? groupChart : h('p', { class: 'empty' }, '本年度暂无数据'));
    clear(monthCard, h('div', { class: 'card-head' }, h('h2', {}, `按月趋势 · ${ind.name}`), h('span', { class: 'muted small' }, ind.unit || '')), (monthly.groups || []).length ? monthChart : h('p', { class: 'empty' }, '本年度暂无数据'));
    const tooltip = {
      trigger: 'axis', axisPointer: { type: 'shadow' },
      formatter: (ps) => ps.map((p) => {
        const v = p.data?.raw;
        return `${p.name}<br/>${ind.name}：<b>${v && v.value != null ? fmtValue({ ...v, unit: ind.unit }) : '—'} ${ind.unit || ''}</b><br/>分子 ${v?.numerator ?? '—'} / 分母 ${v?.denominator ?? '—'}${v?.small ? '<br/>（例数少于5，仅供参考）' : ''}`;
      }).join('<br/>'),
    };
    if (groups.length) {
      // districts: all, best first; institutions: the twelve with the most cases
      const sorted = groupBy === 'district'
        ? [...groups].sort((a, b) => (value(b)?.value ?? -1) - (value(a)?.value ?? -1))
        : [...groups].sort((a, b) => (value(b)?.denominator ?? 0) - (value(a)?.denominator ?? 0)).slice(0, 12);
      draw(groupChart, {
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip,
        xAxis: { type: 'category', data: sorted.map((g) => g.label || g.key), axisLabel: { interval: 0, rotate: sorted.length > 8 ? 40 : 0, fontSize: 11 } },
        yAxis: { type: 'value', name: ind.unit || '', nameTextStyle: { align: 'left' } },
        series: [{
          type: 'bar', barMaxWidth: 28, name: ind.name,
          data: sorted.map((g) => ({ value: value(g)?.value ?? null, raw: value(g), itemStyle: value(g)?.small ? { color: '#f1a7c2' } : undefined })),
          label: { show: sorted.length <= 16, position: 'top', fontSize: 10, formatter: (p) => (p.value == null ? '' : Number(p.value).toFixed(1)) },
        }],
      }, { label: `${groupWord}${ind.name}柱状图` });
    }
    const months = monthly.groups || [];
    if (months.length) {
      draw(monthChart, {
        grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        tooltip,
        xAxis: { type: 'category', data: months.map((g) => g.label || g.key), boundaryGap: false },
        yAxis: { type: 'value', name: ind.unit || '', scale: true },
        series: [{
          type: 'line', name: ind.name, smooth: false, symbolSize: 7, areaStyle: { opacity: 0.08 },
          data: months.map((g) => ({ value: byId(g.indicators)[selected]?.value ?? null, raw: byId(g.indicators)[selected] })),
          connectNulls: true,
        }],
      }, { label: `${ind.name}按月趋势折线图` });
    }
  };

  const kpis = h('div', { class: 'kpis', role: 'group', 'aria-label': '选择图表显示的指标' }, main.map((id) => {
    const i = info[id];
    const b = h('button', { type: 'button', class: 'kpi', 'aria-pressed': String(id === selected), 'data-ind': id },
      h('div', { class: 'k-name' }, i.name),
      h('div', { class: 'k-value' }, fmtValue(i), h('span', { class: 'k-unit' }, i.value != null ? i.unit || '' : ''),
        i.small ? h('span', { class: 'small-flag', title: '例数少于5' }, '数少') : null),
      h('div', { class: 'k-sub' }, i.collected === false ? '暂未采集' : `${i.numerator ?? 0} / ${i.denominator ?? 0}`));
    b.addEventListener('click', () => {
      selected = id;
      kpis.querySelectorAll('.kpi').forEach((k) => k.setAttribute('aria-pressed', String(k.dataset.ind === id)));
      paintCharts();
    });
    return b;
  }));
  const rest = all.filter((i) => !main.includes(i.id));
  clear(kpiBox, kpis,
    h('p', { class: 'hint' }, '点击指标查看其各区对比与按月趋势。分子/分母为例数；标“数少”的单元格例数少于5，公开发布时隐去。'),
    rest.length ? h('details', { class: 'more' }, h('summary', {}, `其他指标（${rest.length}）`),
      table([
        { label: '指标', render: (i) => i.name },
        { label: '值', render: (i) => `${fmtValue(i)} ${i.value != null ? i.unit || '' : ''}`, class: 'num' },
        { label: '分子', render: (i) => (i.collected === false ? '—' : i.numerator), class: 'num' },
        { label: '分母', render: (i) => (i.collected === false ? '—' : i.denominator), class: 'num' },
        { label: '说明', render: (i) => (i.collected === false ? '暂未采集' : i.small ? '例数少于5' : '') },
      ], rest)) : null);

  // the table: one row per district (or institution), the main indicators as columns
  const cols = main.slice(0, 10);
  const rows = groupBy === 'district' ? (grouped.groups || [])
    : [...(grouped.groups || [])].sort((a, b) => (byId(b.indicators)[cols[0]]?.denominator ?? 0) - (byId(a.indicators)[cols[0]]?.denominator ?? 0));
  tableCard.dataset.testid = 'indicator-table';
  clear(tableCard, h('div', { class: 'card-head' }, h('h2', {}, groupBy === 'district' ? '各区指标表' : '本区各机构指标表'),
    h('span', { class: 'muted small' }, `${rows.length} ${groupBy === 'district' ? '个区' : '个机构'}`)),
  table([
    { label: groupBy === 'district' ? '区' : '机构', render: (g) => (groupBy === 'district' ? link(`#/overview?district=${g.key}&year=${year}`, g.label || g.key) : (g.label || g.key)), class: 'nowrap' },
    ...cols.map((id) => ({
      label: `${info[id].name}${info[id].unit ? `(${info[id].unit})` : ''}`, class: 'num',
      render: (g) => {
        const v = byId(g.indicators)[id];
        if (!v) return '—';
        return h('span', { title: `分子 ${v.numerator} / 分母 ${v.denominator}` }, fmtValue({ ...v, unit: info[id].unit }),
          v.small ? h('span', { class: 'small-flag' }, '*') : null,
          h('div', { class: 'muted small' }, `${v.numerator ?? 0}/${v.denominator ?? 0}`));
      },
    })),
  ], rows, { empty: '本年度暂无数据' }),
  rows.length ? h('p', { class: 'hint' }, '* 例数少于5，仅供参考。') : null);

  if (selected) paintCharts();
  await lists;
}

function fillYears(sel, year, defYear, setQuery) {
  const years = [defYear, defYear - 1, defYear - 2, defYear - 3];
  if (!years.includes(year)) years.push(year);
  clear(sel, years.map((y) => h('option', { value: String(y), selected: y === year }, `${y} 年度`)));
  sel.onchange = () => setQuery({ year: sel.value });
}

async function drawColors(el, query) {
  const colors = ['red', 'orange', 'yellow', 'purple'];
  const [all, ...counts] = await Promise.all([countOf('high-risk', query), ...colors.map((c) => countOf('high-risk', { ...query, color: c }))]);
  if (counts.some((c) => c.missing || c.error)) {
    el.replaceWith(errorNotice(counts.find((c) => c.error)?.error || { missing: true }, '高危专案'));
    return;
  }
  const data = colors.map((c, i) => ({ name: COLORS[c].label, value: counts[i].total, itemStyle: { color: { red: '#d32f2f', orange: '#f57c00', yellow: '#f2c200', purple: '#8e24aa' }[c] } }));
  const sum = all.total ?? data.reduce((a, d) => a + d.value, 0);
  await draw(el, {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 人（{d}%）' },
    legend: { bottom: 0, icon: 'circle', itemWidth: 10, textStyle: { fontSize: 11 } },
    title: { text: String(sum), subtext: '在管人数', left: 'center', top: '34%', textStyle: { fontSize: 22 }, subtextStyle: { fontSize: 11 } },
    series: [{
      type: 'pie', radius: ['45%', '70%'], center: ['50%', '45%'], minAngle: 6,
      label: { position: 'inside', color: '#fff', fontWeight: 700, formatter: (p) => (p.value ? `${p.value}` : '') },
      data: data.filter((d) => d.value > 0),
    }],
  }, { label: `在管高危孕产妇 ${sum} 人，颜色分布（紫色可与其他颜色并存）：${data.map((d) => `${d.name} ${d.value} 人`).join('，')}` });
}

async function fillList(box, kind, title, query) {
  try {
    const r = await api.get(`/worklists/${kind}`, { ...query, page_size: 6 });
    const items = r.items || [];
    const head = h('div', { class: 'card-head' }, h('h2', {}, `${title}`, h('span', { class: 'count', style: { marginLeft: '6px' } }, String(r.total ?? items.length))),
      link(`#/worklists/${kind}${query.district ? `?district=${query.district}` : ''}`, '全部 →'));
    if (kind === 'high-risk') {
      clear(box, head, table([
        { label: '孕产妇', render: (p) => link(`#/pregnancies/${p.id}`, p.woman?.name || '—') },
        { label: '风险', render: (p) => badges(p.color, p.purple) },
        { label: '孕周', render: (p) => (p.status === 'open' ? ga(p.ga) : '已分娩'), class: 'nowrap' },
      ], items, { empty: '暂无高危专案' }));
    } else {
      clear(box, head, table([
        { label: '类别', render: (e) => zh(e.kind_label) || e.kind || '—' },
        { label: '对象', render: (e) => e.patient?.name || e.patient?.child_name || '—' },
        { label: '发生', render: (e) => String(e.occurred_at || '').slice(0, 10), class: 'nowrap' },
        { label: '', render: (e) => (e.late ? h('span', { class: 'tag tag-late' }, '迟报') : '') },
      ], items, { empty: '没有待评审的病例' }));
    }
  } catch (e) {
    clear(box, h('h2', {}, title), errorNotice(e, title));
  }
}

async function exportFile(btn, fmt, year, district) {
  try {
    await busy(btn, '正在生成…', async () => {
      const res = await api.raw(`/indicators/export.${fmt}`, { year, ...(district ? { district } : {}) });
      const blob = await res.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: `fuyou-indicators-${year}${district ? `-${district}` : ''}.${fmt}` });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    });
    toast(`已导出 ${fmt === 'xlsx' ? 'Excel' : 'CSV'} 文件`);
  } catch (e) {
    toast(e.missing ? '导出功能即将开通' : `导出失败：${e.message}`, 'error');
  }
}

