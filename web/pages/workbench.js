// 工作台 (community doctor, obstetrician): find a woman, the work-list
// counts, today's bookings and the high-risk women of the institution.
import { api } from '../lib/api.js';
import { h, clear, pageHead, card, table, badges, ga, fmtDate, today, loading, link, errorNotice, notice } from '../lib/ui.js';
import { LISTS, LISTS_BY_ROLE, countOf } from '../lib/worklists.js';

const WEEKDAY = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

export function searchBox(initial = '', autofocus = false) {
  const input = h('input', {
    type: 'search', name: 'q', id: 'woman-search', value: initial, placeholder: '输入身份证号码或姓名',
    'aria-label': '按身份证号码或姓名查找孕产妇', autocomplete: 'off', autofocus,
  });
  const form = h('form', { class: 'searchbar', role: 'search' }, input,
    h('button', { type: 'submit', class: 'btn btn-primary' }, '查找'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    location.hash = q ? `#/women?q=${encodeURIComponent(q)}` : '#/women';
  });
  return form;
}

export async function render(ctx) {
  const { me, user } = ctx;
  const t = today();
  const wd = WEEKDAY[new Date(`${t}T00:00:00Z`).getUTCDay()];
  const kinds = LISTS_BY_ROLE[user.role] || [];
  const tiles = h('div', { class: 'tiles', 'aria-label': '工作清单计数' },
    kinds.map((k) => h('a', { class: `tile tile-${LISTS[k].tile}`, href: `#/worklists/${k}`, 'data-list': k },
      h('div', { class: 't-label' }, LISTS[k].label),
      h('div', { class: 't-value', 'data-count': k }, h('span', { class: 'spinner', 'aria-hidden': 'true' })),
      h('div', { class: 't-sub' }, LISTS[k].hint))));
  const todayCard = card('今日预约', loading());
  const riskCard = card('高危孕产妇', loading());
  clear(ctx.view,
    pageHead('工作台', `${me.institution_name || ''} · ${t} ${wd}`,
      h('a', { class: 'btn btn-primary', href: '#/women/new' }, user.role === 'obstetrician' ? '＋ 建档（大卡）' : '＋ 孕妇建册')),
    card('查找孕产妇', searchBox('', true),
      h('p', { class: 'hint', style: { marginTop: '6px' } }, '身份证号码精确查找；姓名可输入开头的字查找。只显示本机构服务过的妇女。')),
    tiles,
    h('div', { class: 'grid grid-2' }, riskCard, todayCard));

  await Promise.all([
    ...kinds.map(async (k) => {
      const c = await countOf(k);
      const el = tiles.querySelector(`[data-count="${k}"]`);
      if (c.missing) clear(el, h('span', { class: 'small muted' }, '即将开通'));
      else if (c.error) clear(el, h('span', { class: 'small muted' }, '加载失败'));
      else clear(el, String(c.total), h('span', { class: 't-unit' }, '人'));
    }),
    (async () => {
      try {
        const r = await api.get('/worklists/high-risk', { page_size: 8 });
        clear(riskCard, h('div', { class: 'card-head' }, h('h2', {}, '高危孕产妇'),
          link('#/worklists/high-risk', `全部 ${r.total} 人 →`)),
        table([
          { label: '姓名', render: (p) => link(`#/pregnancies/${p.id}`, p.woman.name) },
          { label: '孕周', render: (p) => ga(p.ga), class: 'nowrap' },
          { label: '风险', render: (p) => badges(p.color, p.purple) },
          { label: '预产期', render: (p) => fmtDate(p.edd), class: 'nowrap' },
        ], r.items, { empty: '本机构暂无高危孕产妇' }));
      } catch (e) {
        clear(riskCard, h('h2', {}, '高危孕产妇'), errorNotice(e, '高危专案'));
      }
    })(),
    (async () => {
      try {
        const r = await api.get('/appointments', { date: t, page_size: 50 });
        const items = r.items || [];
        clear(todayCard, h('h2', {}, `今日预约 ${items.length ? `（${items.length}）` : ''}`),
          table([
            { label: '姓名', render: (a) => (a.pregnancy_id ? link(`#/pregnancies/${a.pregnancy_id}`, a.woman?.name || a.woman_name || '查看') : (a.woman?.name || '—')) },
            { label: '机构', render: (a) => a.institution_name || '—' },
            { label: '状态', render: (a) => ({ booked: '已预约', attended: '已到诊', cancelled: '已取消', missed: '未到诊' }[a.status] || a.status || '—') },
          ], items, { empty: '今天没有预约' }));
      } catch (e) {
        clear(todayCard, h('h2', {}, '今日预约'), e.missing
          ? notice('info', '今日预约清单即将开通。孕妇可在“孕妈妈”端在线预约，预约记录显示在各自的孕产妇档案中。')
          : errorNotice(e));
      }
    })(),
  ]);
}
