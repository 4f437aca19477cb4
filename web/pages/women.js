// 查找孕产妇, 孕妇建册 (register a woman), and one woman's page with her
// pregnancies.
import { api, districts } from '../lib/api.js';
import {
  h, clear, pageHead, card, table, field, wireForm, badges, ga, fmtDate, link, notice, STATUS, dl,
} from '../lib/ui.js';
import { searchBox } from './workbench.js';

const CLIN = ['community_doctor', 'obstetrician'];
export const ID_TYPES = [
  ['resident_id', '居民身份证'], ['passport', '护照'], ['hk_macao_permit', '港澳居民来往内地通行证'],
  ['taiwan_permit', '台湾居民来往大陆通行证'], ['household_booklet', '户口簿'], ['foreign_permanent_id', '外国人永久居留身份证'],
];
const ID_TYPE = Object.fromEntries(ID_TYPES);

function looksLikeId(q) { return /^[0-9]{6,}[0-9Xx]?$/.test(q) || /^[A-Za-z][0-9A-Za-z()-]{4,}$/.test(q); }

export async function search(ctx) {
  const q = (ctx.query.q || '').trim();
  const results = h('div', {});
  const clin = CLIN.includes(ctx.user.role);
  clear(ctx.view,
    pageHead('查找孕产妇', '按身份证号码精确查找，或按姓名开头查找', clin ? h('a', { class: 'btn btn-primary', href: '#/women/new' }, '＋ 孕妇建册') : null),
    card(null, searchBox(q, !q)), results);
  if (!q) {
    results.append(h('p', { class: 'muted' }, '请输入身份证号码或姓名。'));
    return;
  }
  const byId = looksLikeId(q);
  results.append(h('p', { class: 'muted' }, '正在查找…'));
  const r = await api.get('/women', byId ? { id_number: q, page_size: 50 } : { name: q, page_size: 50 });
  clear(results, card(`查找结果（${r.total} 人）`,
    table([
      { label: '姓名', render: (w) => link(`#/women/${w.id}`, w.name) },
      { label: '证件号码', render: (w) => h('span', { class: 'nowrap' }, w.id_number), class: 'nowrap' },
      { label: '出生日期', render: (w) => fmtDate(w.birth_date), class: 'nowrap' },
      { label: '年龄', render: (w) => (w.age != null ? `${w.age}岁` : '—') },
      { label: '居住区', render: (w) => w.residence_district_name || w.residence_district },
      { label: '手机', render: (w) => w.phone || '—' },
      { label: '', render: (w) => link(`#/women/${w.id}`, '查看档案 →') },
    ], r.items, { empty: `未找到“${q}”。${byId ? '请核对证件号码。' : ''}` }),
    !r.items.length && clin ? h('p', {}, h('a', { class: 'btn', href: byId ? `#/women/new?id_number=${encodeURIComponent(q)}` : `#/women/new?name=${encodeURIComponent(q)}` }, '为她建册')) : null));
}

export async function create(ctx) {
  const ds = await districts();
  const dOpts = ds.map((d) => [d.code, d.name]);
  const u = ctx.user;
  const form = h('form', { class: 'form', 'aria-label': '孕妇基本信息' },
    h('fieldset', {}, h('legend', {}, '身份信息'),
      h('div', { class: 'fields' },
        field({ name: 'name', label: '姓名', required: true, value: ctx.query.name, attrs: { maxlength: 50 } }),
        field({ name: 'id_type', label: '证件类型', type: 'select', required: true, options: ID_TYPES, value: 'resident_id' }),
        field({ name: 'id_number', label: '证件号码', required: true, value: ctx.query.id_number, attrs: { maxlength: 30, autocapitalize: 'characters' }, hint: '居民身份证将校验校验码，并从中读出出生日期' }),
        field({ name: 'birth_date', label: '出生日期', type: 'date', hint: '非居民身份证必填' }))),
    h('fieldset', {}, h('legend', {}, '联系方式与居住地'),
      h('div', { class: 'fields' },
        field({ name: 'phone', label: '手机号码', type: 'tel', required: true, inputmode: 'numeric', attrs: { maxlength: 11 }, hint: '产检提醒将发送到此号码' }),
        field({ name: 'residence_district', label: '居住区', type: 'select', required: true, options: [['', '请选择'], ...dOpts], value: u.district_code || '' }),
        field({ name: 'household_district', label: '户籍区', type: 'select', options: [['', '外省市或不填'], ...dOpts] }),
        field({ name: 'address', label: '居住地址', required: true, wide: true, attrs: { maxlength: 200 } }))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, '保存，下一步：登记孕产期'),
      h('a', { class: 'btn btn-ghost', href: '#/workbench' }, '取消')));
  const dup = h('div', {});
  wireForm(form, {
    action: async (body) => {
      clear(dup);
      try {
        return await api.post('/women', body);
      } catch (e) {
        if (e.status === 409 && e.problem.existing_id) {
          clear(dup, notice('warn', h('strong', {}, '该证件号码已经登记。'), ' ',
            h('a', { class: 'btn btn-sm', href: `#/women/${e.problem.existing_id}/pregnancy` }, '为她登记孕产期 / 建卡 →'),
            ' ', h('a', { href: `#/women/${e.problem.existing_id}` }, '查看她的档案')));
        }
        throw e;
      }
    },
    done: (w) => ctx.go(`#/women/${w.id}/pregnancy`),
  });
  clear(ctx.view, pageHead(u.role === 'obstetrician' ? '建档：孕妇基本信息' : '孕妇建册：基本信息', '第 1 步（共 2 步）· 登记妇女基本信息，下一步登记本次妊娠'),
    dup, card(null, form));
  form.querySelector('[name=name]').focus();
}

export async function show(ctx) {
  const id = ctx.params.id;
  const [w, preg] = await Promise.all([api.get(`/women/${id}`), api.get('/pregnancies', { woman_id: id, page_size: 50 })]);
  const open = preg.items.find((p) => p.status === 'open');
  const clin = CLIN.includes(ctx.user.role);
  clear(ctx.view,
    pageHead(w.name, `妇女档案 · 档案号 ${w.id}`,
      clin && !open ? h('a', { class: 'btn btn-primary', href: `#/women/${id}/pregnancy` }, '＋ 登记本次妊娠') : null,
      open ? h('a', { class: 'btn btn-primary', href: `#/pregnancies/${open.id}` }, '打开本次孕产期档案 →') : null),
    card('基本信息', dl([
      ['证件类型', ID_TYPE[w.id_type] || w.id_type], ['证件号码', w.id_number], ['出生日期', fmtDate(w.birth_date)],
      ['年龄', w.age != null ? `${w.age}岁` : '—'], ['手机号码', w.phone], ['居住区', w.residence_district_name || w.residence_district],
      ['户籍区', w.household_district || '—'], ['地址', w.address], ['建档时间', fmtDate(w.created_at)],
    ])),
    card('孕产期档案', table([
      { label: '档案号', render: (p) => link(`#/pregnancies/${p.id}`, p.id) },
      { label: '状态', render: (p) => STATUS[p.status] || p.status },
      { label: '末次月经', render: (p) => fmtDate(p.lmp), class: 'nowrap' },
      { label: '预产期', render: (p) => fmtDate(p.edd), class: 'nowrap' },
      { label: '孕周', render: (p) => ga(p.ga) },
      { label: '风险', render: (p) => badges(p.color, p.purple) },
      { label: '建册机构', render: (p) => p.institution_name || '—' },
      { label: '分娩机构', render: (p) => p.delivery_institution_name || '—' },
    ], preg.items, { empty: '尚无孕产期档案' }),
    !preg.items.length && !clin ? notice('info', '尚无孕产期档案。') : null));
}

