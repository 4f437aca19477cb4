// 审计日志 (city and system administrators): who read or changed what, when.
import { api } from '../lib/api.js';
import { h, clear, pageHead, card, table, field, readForm, fmtInstant, loading, errorNotice, ROLE_LABEL } from '../lib/ui.js';

const ACTIONS = {
  login: '登录', login_failed: '登录失败', logout: '退出', create: '新建', update: '修改', read: '查阅', read_unmasked: '查看完整证件号',
  search: '查询', add_visit: '录入产检', add_labs: '录入检验', big_card: '建大卡', delivery: '分娩登记', close: '结案',
  postpartum_visit: '产后访视', book: '预约', continuation: '继续妊娠评估', export: '导出', apply: '申请', issue: '签发',
};
const RESOURCES = { woman: '妇女', pregnancy: '孕产期', user: '用户', appointment: '预约', child: '儿童', birth_certificate: '出生证明', indicators: '指标' };

export async function render(ctx) {
  const q = ctx.query;
  const page = Math.max(1, parseInt(q.page || '1', 10) || 1);
  const form = h('form', { class: 'toolbar', 'aria-label': '筛选' },
    field({ name: 'user', label: '用户名', value: q.user }),
    field({ name: 'resource', label: '对象类型', type: 'select', value: q.resource || '', options: [['', '全部'], ...Object.entries(RESOURCES)] }),
    field({ name: 'resource_id', label: '对象编号', value: q.resource_id }),
    h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary' }, '查询')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams(readForm(form));
    ctx.go(`#/audit${p.toString() ? `?${p}` : ''}`);
  });
  const body = h('div', {}, loading());
  clear(ctx.view, pageHead('审计日志', '所有查阅与修改均留痕，日志不可更改'), card(null, form, body));
  try {
    const r = await api.get('/audit', { user: q.user, resource: q.resource, resource_id: q.resource_id, page, page_size: 50 });
    const pages = Math.max(1, Math.ceil((r.total || 0) / 50));
    const link = (n) => `#/audit?${new URLSearchParams({ ...q, page: String(n) })}`;
    clear(body, table([
      // two chains, each numbered on its own: 查阅日志 (reads) and 变更日志 (writes)
      { label: '日志', render: (a) => (a.log === 'reads' ? '查阅' : '变更') },
      { label: '序号', render: (a) => a.seq, class: 'num' },
      { label: '时间', render: (a) => fmtInstant(a.at), class: 'nowrap' },
      { label: '用户', render: (a) => a.user || '—' },
      { label: '角色', render: (a) => ROLE_LABEL[a.role] || a.role || '—' },
      { label: '操作', render: (a) => ACTIONS[a.action] || a.action },
      { label: '对象', render: (a) => `${RESOURCES[a.resource] || a.resource || ''} ${a.resource_id || ''}` },
      { label: '说明', render: (a) => a.reason || '' },
      { label: '来源地址', render: (a) => a.client_ip || '' },
    ], r.items || []),
    h('div', { class: 'pager' }, `共 ${r.total} 条 · 第 ${page}/${pages} 页`,
      page > 1 ? h('a', { class: 'btn btn-sm', href: link(page - 1) }, '上一页') : null,
      page < pages ? h('a', { class: 'btn btn-sm', href: link(page + 1) }, '下一页') : null));
  } catch (e) {
    clear(body, errorNotice(e, '审计日志'));
  }
}
