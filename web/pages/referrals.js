// 转诊会诊清单 (rescue centres; also the referring hospitals and officials):
// referrals by state, and the state buttons of each.
import { api, institutions } from '../lib/api.js';
import { h, clear, pageHead, card, table, field, wireForm, fmtInstant, link, errorNotice, loading, toast } from '../lib/ui.js';

const STATES = [['', '全部'], ['requested', '已申请'], ['accepted', '已接收'], ['redirected', '已改派'], ['in_transit', '转运中'], ['arrived', '已到达'], ['closed', '已结案']];
const STATE = Object.fromEntries(STATES);
const ACTION = { accepted: '接收', redirected: '改派', in_transit: '开始转运', arrived: '已到达', closed: '结案' };
const KIND = { maternal: '孕产妇', newborn: '新生儿' };
const TYPE = { referral: '转诊', consultation: '会诊' };
const URGENCY = { emergency: '紧急', urgent: '加急', routine: '常规' };
const OUTCOMES = [['recovered', '好转'], ['transferred', '再转诊'], ['died', '死亡']];

export async function render(ctx) {
  const state = ctx.query.state || '';
  const canAct = ['rescue_center', 'obstetrician', 'community_doctor'].includes(ctx.user.role);
  const tabs = h('nav', { class: 'tabs', 'aria-label': '转诊状态' }, STATES.map(([s, l]) => h('a', {
    href: `#/referrals${s ? `?state=${s}` : ''}`, 'aria-current': s === state ? 'page' : null,
  }, l)));
  const body = h('div', {}, loading());
  const actionBox = h('div', {});
  clear(ctx.view, pageHead(ctx.user.role === 'rescue_center' ? '转诊会诊清单' : '转诊与会诊', ctx.me.institution_name || ctx.me.district_name || '全市'),
    tabs, card(null, actionBox, body));

  const load = async () => {
    try {
      const r = await api.get('/worklists/referrals', { ...(state ? { state } : {}), page_size: 50 });
      clear(body, table([
        { label: '编号', render: (x) => x.id },
        { label: '类别', render: (x) => `${KIND[x.kind] || x.kind}${TYPE[x.type] || x.type}` },
        { label: '紧急程度', render: (x) => h('span', { class: `tag ${x.urgency === 'emergency' ? 'tag-late' : 'tag-muted'}` }, URGENCY[x.urgency] || x.urgency) },
        { label: '患者', render: (x) => (x.pregnancy_id ? link(`#/pregnancies/${x.pregnancy_id}`, x.patient?.name || x.patient?.child_name || '—') : (x.patient?.name || x.patient?.child_name || '—')) },
        { label: '转出机构', render: (x) => x.from_institution_name || x.from_institution_id },
        { label: '接收中心', render: (x) => x.center_name || x.center_id },
        { label: '状态', render: (x) => x.state_label || STATE[x.state] || x.state },
        { label: '申请时间', render: (x) => fmtInstant(x.requested_at), class: 'nowrap' },
        { label: '响应', render: (x) => (x.minutes_to_accept != null ? `${Math.round(x.minutes_to_accept)} 分钟接收` : '—'), class: 'nowrap' },
        {
          label: '操作', render: (x) => (canAct ? h('div', { class: 'row' }, (x.allowed_transitions || []).map((to) => h('button', {
            type: 'button', class: 'btn btn-sm', onclick: () => openAction(x, to),
          }, ACTION[to] || to))) : ''),
        },
      ], r.items || [], { empty: '没有转诊或会诊记录' }));
    } catch (e) {
      clear(body, errorNotice(e, '转诊会诊'));
    }
  };

  async function openAction(x, to) {
    const extra = [];
    if (to === 'redirected') {
      const type = x.kind === 'newborn' ? 'newborn_rescue_center' : 'maternal_rescue_center';
      const centres = (await institutions({ type })).filter((c) => c.id !== x.center_id);
      extra.push(field({ name: 'center_id', label: '改派至', type: 'select', required: true, options: [['', '请选择'], ...centres.map((c) => [c.id, c.name])] }));
      extra.push(field({ name: 'reason', label: '改派原因', required: true, wide: true }));
    }
    if (to === 'closed') extra.push(field({ name: 'outcome', label: '结局', type: 'select', required: true, options: [['', '请选择'], ...OUTCOMES] }));
    extra.push(field({ name: 'note', label: '备注', wide: true }));
    const form = h('form', { class: 'form', 'aria-label': `${ACTION[to] || to}：转诊 ${x.id}` },
      h('h2', {}, `${ACTION[to] || to}：转诊 ${x.id} · ${x.patient?.name || x.patient?.child_name || ''}`),
      h('input', { type: 'hidden', name: 'to', value: to }),
      h('div', { class: 'fields' }, extra),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, `确认${ACTION[to] || ''}`),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => clear(actionBox) }, '取消')));
    wireForm(form, {
      action: (b) => api.post(`/referrals/${x.id}/transitions`, b),
      done: async () => { toast(`已${ACTION[to] || '更新'}`); clear(actionBox); await load(); },
    });
    clear(actionBox, form);
    form.querySelector('select, input:not([type=hidden]), button').focus();
  }

  await load();
}
