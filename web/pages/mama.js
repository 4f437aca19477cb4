// 孕妈妈 (citizen), phone first: 我的孕期 (home), 预约产检, 我的档案, 宝宝成长.
import { api, institutions } from '../lib/api.js';
import {
  h, clear, card, field, wireForm, riskBadge, ga, fmtDate, today, addDays, daysBetween, notice, link, toast, table,
  STATUS, OUTCOME, SEX, TRIMESTER,
} from '../lib/ui.js';
import { icon } from '../lib/icons.js';
import { timeline, scheduleView } from './pregnancy.js';
import { renderGrowth, childFacts, childFlags } from './child.js';

// Her pregnancies, newest first, and the full record of the newest one.
export async function myPregnancy(ctx) {
  const wid = ctx.user.woman_id;
  if (!wid) return { list: [], record: null };
  const list = (await api.get('/pregnancies', { woman_id: wid, page_size: 20 })).items || [];
  const cur = list.find((p) => p.status === 'open') || list[0];
  const record = cur ? await api.get(`/pregnancies/${cur.id}`) : null;
  return { list, record };
}

function title(text, sub) {
  return h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, text), sub ? h('p', { class: 'sub' }, sub) : null));
}

const quick = (items) => h('nav', { class: 'quick', 'aria-label': '常用功能' }, items.map(([href, label, ic]) => h('a', { href }, h('span', {}, icon(ic, 26)), label)));

// Everything she should do next, soonest first.
function reminders(p) {
  const t = today();
  const out = [];
  for (const a of p.appointments || []) {
    if (a.status === 'booked' && a.date >= t) out.push({ date: a.date, text: `产检预约：${a.institution_name}`, kind: 'appointment' });
  }
  if (p.next_visit) {
    out.push({ date: p.next_visit.opens, text: `${p.next_visit.name}：请在 ${p.next_visit.opens} 至 ${p.next_visit.closes} 之间完成（${(p.next_visit.tests || []).map((x) => x.name).join('、') || '常规检查'}）`, kind: 'visit' });
  }
  const hasBig = (p.cards || []).some((c) => c.card === 'big');
  if (!hasBig && p.status === 'open') {
    const from = addDays(p.lmp, 84);
    const to = addDays(p.lmp, 118);
    out.push({
      date: from < t ? t : from, kind: 'card',
      text: to < t ? '建大卡：已过孕16周，请尽快到选择的助产医院建立大卡' : `建大卡：孕12–16周（${from} 至 ${to}）到选择的助产医院建立大卡`,
    });
  }
  for (const r of p.reminders || []) {
    if (r.status !== 'cancelled' && r.due_on >= addDays(t, -3)) out.push({ date: r.due_on, text: r.text, kind: 'sms' });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : 1));
}

export async function home(ctx) {
  const { list, record: p } = await myPregnancy(ctx);
  const v = ctx.view;
  if (!p) {
    clear(v, title('我的孕期', '欢迎使用上海妇幼'),
      card(null, h('h2', {}, '您还没有孕产期档案'),
        h('p', {}, '怀孕后请在孕13周前到居住地的社区卫生服务中心建立《上海市孕产妇健康手册》（小卡）。可以先在网上填写，系统会告诉您去哪个中心、带什么材料、最晚哪天去。'),
        h('a', { class: 'btn btn-primary btn-lg btn-block', href: '#/mama/register' }, '网上建小卡')),
      quick([['#/mama/register', '网上建小卡', 'card'], ['#/mama/baby', '宝宝成长', 'baby'], ['#/mama/certificate', '出生证明', 'certificate']]));
    return;
  }
  if (p.status !== 'open') {
    const babies = (p.babies || []).filter((b) => b.child_id);
    clear(v, title('我的孕期', `本次孕期已${STATUS[p.status] === '已分娩' ? '分娩' : '结束'}`),
      h('section', { class: 'hero' },
        h('div', { class: 'h-label' }, p.status === 'delivered' ? '恭喜您！宝宝已出生' : `孕期已结束（${OUTCOME[p.outcome] || p.outcome || ''}）`),
        h('div', { class: 'h-ga' }, p.delivery ? String(p.delivery.delivered_at).slice(0, 10) : fmtDate(p.ended_on)),
        h('div', { class: 'h-row' }, p.delivery ? [h('span', {}, `分娩孕周 ${ga(p.delivery.ga)}`), h('span', {}, p.delivery.institution_name)] : null)),
      babies.length ? card('我的宝宝', h('ul', { class: 'list-plain' }, babies.map((b) => h('li', {},
        h('span', {}, h('b', {}, b.name || `宝宝${babies.length > 1 ? b.birth_order : ''}`), ` · ${SEX[b.sex] || ''} · 出生体重 ${b.weight_g} g`),
        link(`#/mama/baby?child=${b.child_id}`, '成长 →'))))) : null,
      (p.postpartum?.tasks || []).length ? card('产后访视', h('ul', { class: 'list-plain' }, p.postpartum.tasks.map((t) => h('li', {},
        h('span', {}, `${t.kind === 'day42' ? '产后42天健康检查' : '产后访视'}：${t.due_from} 至 ${t.due_to}`, h('div', { class: 'small muted' }, t.institution_name || '')),
        h('span', { class: `tag ${t.status === 'done' ? 'tag-ok' : 'tag-info'}` }, t.status === 'done' ? '已完成' : '待访视'))))) : null,
      quick([['#/mama/baby', '宝宝成长', 'baby'], ['#/mama/certificate', '出生医学证明', 'certificate'], ['#/mama/record', '我的档案', 'record'],
        ['#/mama/register', '再次怀孕建册', 'card']]));
    return;
  }
  const days = daysBetween(today(), p.edd);
  const pct = Math.max(2, Math.min(100, Math.round((p.ga.total_days / 280) * 100)));
  const rem = reminders(p);
  clear(v,
    title('我的孕期', `${p.woman.name}，您好`),
    h('section', { class: 'hero', 'aria-label': '孕周与预产期' },
      h('div', { class: 'h-label' }, `${TRIMESTER[p.trimester] || ''} · 当前孕周`),
      h('div', { class: 'h-ga', 'data-testid': 'ga' }, p.ga.text, h('small', {}, '周')),
      h('div', { class: 'hero-progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '280', 'aria-valuenow': String(p.ga.total_days), 'aria-label': '孕期进度' }, h('span', { style: { width: `${pct}%` } })),
      h('div', { class: 'h-row' }, h('span', {}, '预产期 ', h('b', { 'data-testid': 'edd' }, p.edd)), days >= 0 ? h('span', {}, `还有 `, h('b', {}, String(days)), ' 天') : null),
      riskBadge(p.risk)),
    p.overdue ? notice('error', h('strong', {}, '您有一次产检已逾期。'), ' 请尽快预约产检。 ', link('#/mama/book', '去预约 →')) : null,
    card('下次产检', p.next_visit ? [
      h('p', { style: { margin: '0 0 6px' } }, h('b', {}, p.next_visit.name), h('br'), `${p.next_visit.opens} 至 ${p.next_visit.closes}（孕${p.next_visit.ga_from.text}–${p.next_visit.ga_to.text}周）`),
      (p.next_visit.tests || []).length ? h('p', { class: 'small muted', style: { margin: '0 0 10px' } }, `检查项目：${p.next_visit.tests.map((x) => x.name).join('、')}`) : null,
      h('a', { class: 'btn btn-primary btn-block', href: '#/mama/book' }, '预约产检')] : h('p', { class: 'muted' }, '暂无待安排的产检。')),
    card('提醒', rem.length ? h('ul', { class: 'list-plain', 'data-testid': 'reminders' }, rem.map((r) => h('li', {},
      h('span', {}, r.text), h('span', { class: `tag ${r.kind === 'appointment' ? 'tag-info' : 'tag-muted'} nowrap` }, r.date)))) : h('p', { class: 'muted' }, '暂无提醒')),
    quick([['#/mama/book', '预约产检', 'calendar'], ['#/mama/record', '我的档案', 'record'], ['#/mama/baby', '宝宝成长', 'baby']]),
    list.length > 1 ? h('p', { class: 'small muted' }, `共 ${list.length} 次孕产期记录，见“我的档案”。`) : null);
}

export async function book(ctx) {
  const { record: p } = await myPregnancy(ctx);
  const v = ctx.view;
  if (!p || p.status !== 'open') {
    clear(v, title('预约产检'), card(null, notice('info', p ? '本次孕期已结束，无需预约产前检查。' : '请先建立孕产期档案（小卡），再预约产检。'),
      p ? null : h('a', { class: 'btn btn-primary btn-block', href: '#/mama/register' }, '网上建小卡')));
    return;
  }
  const district = p.residence_district || p.woman.residence_district;
  const [chc, hosp] = await Promise.all([
    institutions({ district, type: 'community_health_center' }),
    institutions({ district, type: 'delivery_hospital' }),
  ]);
  const mine = [p.delivery_institution_id, p.institution_id].filter(Boolean);
  const rank = (x) => (mine.includes(x.id) ? mine.indexOf(x.id) : 99);
  const all = [...chc, ...hosp].filter((x, i, arr) => arr.findIndex((y) => y.id === x.id) === i && x.daily_capacity > 0)
    .sort((a, b) => rank(a) - rank(b));
  const def = p.delivery_institution_id || p.institution_id || all[0]?.id;
  const t = today();
  const nv = p.next_visit;
  let suggested = addDays(t, 1);
  if (nv && nv.opens > t && nv.opens <= addDays(t, 90)) suggested = nv.opens;
  if (nv && nv.opens <= t && nv.closes >= t) suggested = addDays(t, 1) <= nv.closes ? addDays(t, 1) : t;

  const dateField = field({ name: 'date', label: '预约日期', type: 'date', required: true, value: suggested, attrs: { min: t, max: addDays(t, 90) },
    hint: nv ? `建议：${nv.name} ${nv.opens} 至 ${nv.closes}；最多可预约90天内` : '最多可预约90天内' });
  const choice = (x) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'institution_id', value: x.id, checked: x.id === def }),
    h('span', {}, h('b', {}, x.name), h('div', { class: 'c-sub' },
      `${x.types.includes('delivery_hospital') ? `助产医院${x.level ? `（${x.level}级）` : ''}` : '社区卫生服务中心'} · 每日号源 ${x.daily_capacity}`,
      x.id === p.delivery_institution_id ? ' · 我的建大卡医院' : x.id === p.institution_id ? ' · 我的建册机构' : '')));
  // her own centre and hospital first; the others of her district folded away
  const first = all.filter((x) => mine.includes(x.id));
  const others = all.filter((x) => !mine.includes(x.id));
  const choices = h('div', { class: 'field', 'data-for': 'institution_id', role: 'radiogroup', 'aria-labelledby': 'inst-label' },
    h('span', { id: 'inst-label', class: 'label-like', style: { fontWeight: 600, fontSize: '.88rem', color: 'var(--ink-2)' } }, '产检机构'),
    (first.length ? first : others).map(choice),
    first.length && others.length ? h('details', { class: 'more' }, h('summary', {}, `本区其他机构（${others.length}）`), others.map(choice)) : null,
    h('div', { class: 'field-error', 'aria-live': 'polite' }));
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', 'aria-label': '预约产检' },
    h('input', { type: 'hidden', name: 'pregnancy_id', value: p.id }),
    choices, dateField,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '确认预约')));
  wireForm(form, {
    pending: '正在预约…',
    action: (body) => api.post('/appointments', body),
    done: async (a) => {
      toast(`预约成功：${a.date} ${a.institution_name}`);
      clear(result, notice('ok', h('strong', {}, '预约成功！'), h('div', {}, `${a.date} · ${a.institution_name}`),
        h('div', { class: 'small' }, '请携带《上海市孕产妇健康手册》、身份证和医保卡按时就诊。')));
      const fresh = await api.get(`/pregnancies/${p.id}`);
      clear(listBox, appointments(fresh));
      result.scrollIntoView({ block: 'nearest' });
    },
  });
  const listBox = h('div', {}, appointments(p));
  clear(v, title('预约产检', `孕${p.ga.text}周 · 预产期 ${p.edd}`), result, card(null, form), card('我的预约', listBox));
}

function appointments(p) {
  const items = [...(p.appointments || [])].sort((a, b) => (a.date < b.date ? 1 : -1));
  return items.length ? h('ul', { class: 'list-plain', 'data-testid': 'appointments' }, items.map((a) => h('li', {},
    h('span', {}, h('b', {}, a.date), h('div', { class: 'small muted' }, a.institution_name)),
    h('span', { class: `tag ${a.date >= today() ? 'tag-info' : 'tag-muted'}` }, a.status === 'booked' ? (a.date >= today() ? '待就诊' : '已过期') : a.status))))
    : h('p', { class: 'muted' }, '还没有预约。');
}

export async function record(ctx) {
  const { list, record: p } = await myPregnancy(ctx);
  const v = ctx.view;
  if (!p) {
    clear(v, title('我的档案'), card(null, notice('info', '还没有孕产期档案。'), h('a', { class: 'btn btn-primary btn-block', href: '#/mama/register' }, '网上建小卡')));
    return;
  }
  clear(v,
    title('我的档案', `孕产期档案 ${p.id} · ${STATUS[p.status] || p.status}`),
    card('基本情况',
      h('div', { class: 'facts-wrap' }, h('dl', { class: 'facts' }, [
        ['姓名', p.woman.name], ['证件号码', p.woman.id_number], ['末次月经', p.lmp], ['预产期', p.edd],
        ['孕周', ga(p.ga)], ['孕产次', `孕${p.history.gravidity} 产${p.history.parity}`], ['身高/体重', `${p.height_cm} cm / ${p.weight_kg} kg`], ['BMI', p.bmi],
      ].map(([k, val]) => h('div', {}, h('dt', {}, k), h('dd', {}, val ?? '—'))))),
      h('h3', { style: { marginTop: '14px' } }, '妊娠风险'), riskBadge(p.risk),
      h('h3', { style: { marginTop: '14px' } }, '建卡'),
      h('ul', { class: 'list-plain' }, (p.cards || []).map((c) => h('li', {}, h('span', {}, h('b', {}, c.label), h('div', { class: 'small muted' }, c.institution_name)), h('span', { class: 'nowrap' }, c.date))))),
    card('产检安排', scheduleView(p)),
    card('孕期记录', timeline(p)),
    list.length > 1 ? card('历次孕产期', table([
      { label: '末次月经', render: (x) => x.lmp }, { label: '预产期', render: (x) => x.edd },
      { label: '状态', render: (x) => STATUS[x.status] || x.status },
    ], list)) : null);
}

export async function baby(ctx) {
  const v = ctx.view;
  const wid = ctx.user.woman_id;
  const kids = wid ? ((await api.get('/children', { mother_id: wid, page_size: 20 })).items || []) : [];
  if (!kids.length) {
    clear(v, title('宝宝成长'), card(null, notice('info', '还没有宝宝的档案。宝宝出生、医院登记分娩后，这里会自动出现宝宝的档案和生长曲线。')));
    return;
  }
  const cur = kids.find((k) => k.id === ctx.query.child) || kids[0];
  const growth = h('div', {});
  clear(v,
    title('宝宝成长', cur.name || '我的宝宝'),
    kids.length > 1 ? h('nav', { class: 'tabs', 'aria-label': '选择宝宝' }, kids.map((k) => h('a', { href: `#/mama/baby?child=${k.id}`, 'aria-current': k.id === cur.id ? 'page' : null }, k.name || `宝宝 ${k.id}`))) : null,
    card('出生情况', childFlags(cur), childFacts(cur)),
    card('生长曲线', growth),
    card('办事', h('a', { class: 'btn btn-block', href: `#/mama/certificate?child=${cur.id}` }, icon('certificate', 18), '出生医学证明申请与出生一件事进度')));
  await renderGrowth(growth, cur);
}
