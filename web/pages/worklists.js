// 工作清单: high-risk cases, overdue, postpartum, screening recall and (for
// officials) reviews, each with its count; filters and paging.
import { api, districts } from '../lib/api.js';
import {
  h, clear, pageHead, card, table, badges, badge, ga, fmtDate, fmtInstant, link, errorNotice, loading, PP_TASK, SEX, zh,
} from '../lib/ui.js';
import { LISTS, LISTS_BY_ROLE, countOf } from '../lib/worklists.js';

const PAGE = 20;

const who = (p) => h('span', {}, link(`#/pregnancies/${p.id}`, p.woman?.name || '—'), h('div', { class: 'small muted nowrap' }, p.woman?.id_number || ''));

const COLUMNS = {
  'high-risk': [
    { label: '孕产妇', render: who },
    { label: '当前风险', render: (p) => badges(p.color, p.purple) },
    { label: '孕周', render: (p) => (p.status === 'open' ? ga(p.ga) : '已分娩'), class: 'nowrap' },
    { label: '预产期', render: (p) => fmtDate(p.edd), class: 'nowrap' },
    { label: '纳入专案', render: (p) => h('span', { class: 'nowrap' }, fmtDate(p.case_opened_at ? fmtInstant(p.case_opened_at) : null)) },
    { label: '最高颜色', render: (p) => (p.case_max_color ? badge(p.case_max_color) : '—') },
    { label: '管理机构', render: (p) => p.case_owner_name || p.institution_name || '—' },
    { label: '提示', render: (p) => [p.continuation_missing ? h('span', { class: 'tag tag-late' }, '待继续妊娠评估') : null, p.overdue ? h('span', { class: 'tag tag-late' }, '逾期未检') : null] },
    { label: '手机', render: (p) => p.phone || '—', class: 'nowrap' },
  ],
  overdue: [
    { label: '孕产妇', render: who },
    { label: '孕周', render: (p) => ga(p.ga), class: 'nowrap' },
    { label: '预产期', render: (p) => fmtDate(p.edd), class: 'nowrap' },
    { label: '风险', render: (p) => badges(p.color, p.purple) },
    { label: '建册机构', render: (p) => p.institution_name || '—' },
    { label: '分娩机构', render: (p) => p.delivery_institution_name || '—' },
    { label: '手机', render: (p) => p.phone || '—', class: 'nowrap' },
  ],
  postpartum: [
    { label: '产妇', render: who },
    { label: '任务', render: (p) => PP_TASK[p.task?.kind] || p.task?.kind || '—' },
    { label: '应完成', render: (p) => h('span', { class: 'nowrap' }, `${p.task?.due_from || ''} ~ ${p.task?.due_to || ''}`) },
    { label: '状态', render: (p) => (p.task?.late ? h('span', { class: 'tag tag-late' }, '逾期') : h('span', { class: 'tag tag-info' }, '待访视')) },
    { label: '风险', render: (p) => badges(p.color, p.purple) },
    { label: '手机', render: (p) => p.phone || '—', class: 'nowrap' },
  ],
  'screening-recall': [
    { label: '儿童', render: (r) => h('span', {}, link(`#/children/${r.child?.id}`, r.child?.name || `${r.mother?.name || ''}之${SEX[r.child?.sex] === '女' ? '女' : '子'}`), h('div', { class: 'small muted' }, `${SEX[r.child?.sex] || ''} · ${r.child?.birth_date || ''}`)) },
    { label: '日龄', render: (r) => (r.child?.age_days != null ? `${r.child.age_days} 天` : '—'), class: 'nowrap' },
    { label: '类型', render: (r) => h('span', { class: `tag ${r.type === 'recall' ? 'tag-late' : 'tag-warn'}` }, zh(r.type_label) || r.type) },
    { label: '详情', render: (r) => (r.type === 'unscreened' ? `未做：${(r.missing || []).map((k) => VALUES[k] || k).join('、')}`
      : r.screening ? `${zh(r.screening.kind_label) || VALUES[r.screening.kind] || ''} ${zh(r.screening.result_label) || VALUES[r.screening.result] || ''}${r.days_open != null ? ` · 已 ${r.days_open} 天` : ''}` : '—') },
    { label: '母亲', render: (r) => h('span', {}, r.mother?.name || '—', h('div', { class: 'small muted nowrap' }, r.mother?.id_number || '')) },
  ],
  reviews: [
    { label: '类别', render: (e) => zh(e.kind_label) || VALUES[e.kind] || e.kind },
    { label: '对象', render: (e) => { const n = e.patient?.name || e.patient?.child_name || '—'; return e.pregnancy_id ? link(`#/pregnancies/${e.pregnancy_id}`, n) : e.child_id ? link(`#/children/${e.child_id}`, n) : n; } },
    { label: '发生时间', render: (e) => fmtInstant(e.occurred_at), class: 'nowrap' },
    { label: '报告', render: (e) => h('span', { class: 'nowrap' }, fmtInstant(e.reported_at), ' ', e.late ? h('span', { class: 'tag tag-late' }, '迟报') : null) },
    { label: '原因', render: (e) => e.cause || '—' },
    { label: '地点', render: (e) => e.place || '—' },
    { label: '区', render: (e) => e.district_name || e.district || '—' },
  ],
};


// Lists from other parts of fuyou whose rows are not pregnancies: show what
// they carry, with Chinese column names where known.
const LABELS = {
  child_name: '儿童', name: '姓名', mother_name: '母亲', sex: '性别', birth_date: '出生日期', kind: '类别', panel: '项目',
  result: '结果', sampled_at: '采样时间', reason: '原因', status: '状态', state: '状态', occurred_at: '发生时间',
  reported_at: '报告时间', cause: '原因', place: '地点', late: '迟报', days: '天数', due_on: '应完成', institution_name: '机构',
  district: '区', unscreened: '未筛查', since: '起始',
};
const VALUES = {
  metabolic: '遗传代谢病筛查', hearing: '听力筛查', chd: '先心病筛查', positive: '阳性', refer: '未通过（复筛）', negative: '阴性',
  refused: '拒绝', not_done: '未做', unscreened: '未筛查', critical_maternal: '危重孕产妇', maternal_death: '孕产妇死亡',
  perinatal_death: '围产儿死亡', under5_death: '5岁以下儿童死亡', true: '是', false: '否', open: '待处理', recall: '待召回',
};
function generic(items) {
  const first = items[0] || {};
  const flat = (r) => ({ ...r, child_name: r.child_name || r.child?.name || (r.child ? `${SEX[r.child.sex] || ''}婴` : undefined), mother_name: r.mother_name || r.mother?.name || r.woman?.name });
  const keys = Object.keys(LABELS).filter((k) => items.some((r) => { const v = flat(r)[k]; return v !== undefined && v !== null && typeof v !== 'object'; })).slice(0, 8);
  const cols = keys.map((k) => ({
    label: LABELS[k],
    render: (r) => {
      const v = flat(r)[k];
      if (v === undefined || v === null) return '—';
      if (k === 'sex') return SEX[v] || v;
      if (/_at$/.test(k)) return fmtInstant(v);
      return VALUES[String(v)] || String(v);
    },
  }));
  cols.push({
    label: '', render: (r) => {
      const cid = r.child_id || r.child?.id;
      const pid = r.pregnancy_id || r.pregnancy?.id;
      if (cid) return link(`#/children/${cid}`, '查看 →');
      if (pid) return link(`#/pregnancies/${pid}`, '查看 →');
      return '';
    },
  });
  return first ? cols : [];
}

export async function render(ctx) {
  const role = ctx.user.role;
  const kinds = LISTS_BY_ROLE[role] || ['high-risk'];
  const kind = LISTS[ctx.params.kind] ? ctx.params.kind : 'high-risk';
  const page = Math.max(1, parseInt(ctx.query.page || '1', 10) || 1);
  const color = ctx.query.color || '';
  const district = ctx.query.district || '';
  const officials = role === 'city_admin' || role === 'sys_admin';
  const qs = (over) => {
    const q = new URLSearchParams({ ...(color ? { color } : {}), ...(district ? { district } : {}), ...over });
    for (const [k, v] of [...q]) if (!v) q.delete(k);
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  const tabs = h('nav', { class: 'tabs', 'aria-label': '工作清单' }, kinds.map((k) => h('a', {
    href: `#/worklists/${k}${k === kind ? qs({ page: '' }) : ''}`, 'aria-current': k === kind ? 'page' : null, 'data-tab': k,
  }, LISTS[k].label, h('span', { class: 'count', 'data-count': k }, '…'))));

  const filters = h('form', { class: 'toolbar', 'aria-label': '筛选' });
  if (kind === 'high-risk') {
    const sel = h('select', { id: 'wl-color', name: 'color' }, [['', '全部颜色'], ['purple', '紫色 传染病'], ['red', '红色 高风险'], ['orange', '橙色 较高风险'], ['yellow', '黄色 一般风险']]
      .map(([v, l]) => h('option', { value: v, selected: v === color }, l)));
    sel.addEventListener('change', () => ctx.go(`#/worklists/${kind}${qs({ color: sel.value, page: '' })}`));
    filters.append(h('div', { class: 'field' }, h('label', { for: 'wl-color' }, '风险颜色'), sel));
  }
  if (officials) {
    const ds = await districts();
    const sel = h('select', { id: 'wl-district', name: 'district' }, [['', '全市'], ...ds.map((d) => [d.code, d.name])]
      .map(([v, l]) => h('option', { value: v, selected: v === district }, l)));
    sel.addEventListener('change', () => ctx.go(`#/worklists/${kind}${qs({ district: sel.value, page: '' })}`));
    filters.append(h('div', { class: 'field' }, h('label', { for: 'wl-district' }, '区'), sel));
  }
  const body = h('div', {}, loading());
  const scope = ctx.me.institution_name || ctx.me.district_name || '全市';
  clear(ctx.view, pageHead(`工作清单 · ${LISTS[kind].label}`, `${scope} · ${LISTS[kind].hint}`), tabs,
    card(null, filters.childNodes.length ? filters : null, body));

  kinds.forEach(async (k) => {
    const c = await countOf(k, district ? { district } : {});
    const el = tabs.querySelector(`[data-count="${k}"]`);
    if (el) el.textContent = c.missing ? '—' : c.error ? '!' : String(c.total);
  });

  try {
    const query = { page, page_size: PAGE };
    if (color && kind === 'high-risk') query.color = color;
    if (district) query.district = district;
    const r = await api.get(`/worklists/${kind}`, query);
    const items = r.items || [];
    const total = r.total ?? items.length;
    const cols = COLUMNS[kind] || generic(items);
    const pages = Math.max(1, Math.ceil(total / PAGE));
    clear(body,
      table(cols, items, { empty: kind === 'high-risk' ? '暂无高危专案孕产妇' : '清单为空，没有待办事项' }),
      total > PAGE ? h('div', { class: 'pager' },
        `共 ${total} 条 · 第 ${page}/${pages} 页`,
        page > 1 ? h('a', { class: 'btn btn-sm', href: `#/worklists/${kind}${qs({ page: String(page - 1) })}` }, '上一页') : null,
        page < pages ? h('a', { class: 'btn btn-sm', href: `#/worklists/${kind}${qs({ page: String(page + 1) })}` }, '下一页') : null)
        : h('div', { class: 'pager' }, `共 ${total} 条`));
  } catch (e) {
    clear(body, errorNotice(e, `“${LISTS[kind].label}”清单`));
  }
}

