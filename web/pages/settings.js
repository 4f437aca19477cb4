// 参数配置 (city): the versioned rule tables in force — the five-colour
// grading table and the rescue-network pairing — each with its source.
import { api, criteria } from '../lib/api.js';
import { h, clear, pageHead, card, table, badge, errorNotice, loading } from '../lib/ui.js';

export async function render(ctx) {
  const netBox = h('div', {}, loading());
  const c = await criteria();
  const byColor = ['purple', 'red', 'orange', 'yellow', 'green'];
  clear(ctx.view, pageHead('参数配置', '规则表均为带版本的数据，附来源条款；修改须发布新版本'),
    card('危重孕产妇/新生儿会诊抢救网络（对口配对）', netBox),
    card(`妊娠风险评估表（版本 ${c.version}，${c.effective ? `自 ${c.effective} 起` : ''}）`,
      h('p', { class: 'small muted' }, `共 ${c.factors.length} 项；“计算得出”的因素由系统根据测量与检验自动判定，其余由医生判定。`),
      table([
        { label: '颜色', render: (f) => badge(f.color) },
        { label: '类别', render: (f) => f.category },
        { label: '风险因素', render: (f) => f.text },
        { label: '判定方式', render: (f) => h('span', { class: `tag ${f.derivable ? 'tag-derived' : 'tag-declared'}` }, f.derivable ? '计算得出' : '医生判定') },
        { label: '依据条款', render: (f) => h('span', { class: 'small' }, f.source, f.mark === 'U' ? h('span', { class: 'muted' }, '（待核实）') : null) },
      ], [...c.factors].sort((a, b) => byColor.indexOf(a.color) - byColor.indexOf(b.color)))));
  try {
    const n = await api.get('/rescue-network');
    const rows = [...(n.maternal || []).map((x) => ({ ...x, kind: '危重孕产妇' })), ...(n.newborn || []).map((x) => ({ ...x, kind: '危重新生儿' }))];
    clear(netBox,
      h('p', { class: 'small' }, `版本 ${n.label || n.version} · 生效 ${n.effective || '—'}${n.sample ? ' · 样例配对' : ''}`),
      n.note ? h('p', { class: 'small muted' }, n.note) : null,
      table([
        { label: '类别', render: (x) => x.kind, class: 'nowrap' },
        { label: '抢救中心', render: (x) => x.name || x.center },
        { label: '对口区', render: (x) => (x.district_names || x.districts || []).join('、') },
      ], rows));
  } catch (e) {
    clear(netBox, errorNotice(e, '抢救网络配置'));
  }
}
