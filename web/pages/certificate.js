// 出生医学证明申请 and 出生一件事进度 (citizen): apply online for her baby's
// birth medical certificate, see its state, and follow the one-stop steps
// (household registration, medical insurance, social security card).
import { api } from '../lib/api.js';
import { h, clear, card, field, wireForm, notice, errorNotice, loading, fmtInstant, toast, SEX, zh } from '../lib/ui.js';
import { ID_TYPES } from './women.js';

const STEP_ICON = { pending: '…', sent: '→', done: '✓', failed: '!' };
const STEP_LABEL = { pending: '待办理', sent: '已推送，办理中', done: '已办结', failed: '办理失败' };
const ONE_STOP = [['household_registration', '户口登记'], ['medical_insurance', '医保参保登记'], ['social_security_card', '社会保障卡申领']];

function title(text, sub) {
  return h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, text), sub ? h('p', { class: 'sub' }, sub) : null));
}

function parentFields(prefix, who, values = {}) {
  return h('div', { class: 'fields' },
    field({ name: `${prefix}.name`, label: `${who}姓名`, required: true, value: values.name }),
    field({ name: `${prefix}.nationality`, label: '国籍', required: true, value: values.nationality || '中国' }),
    field({ name: `${prefix}.ethnicity`, label: '民族', value: values.ethnicity || '汉族', hint: '中国国籍必填' }),
    field({ name: `${prefix}.id_type`, label: '证件类型', type: 'select', required: true, options: ID_TYPES, value: values.id_type || 'resident_id' }),
    field({ name: `${prefix}.id_number`, label: '证件号码', required: true, attrs: { autocapitalize: 'characters', maxlength: 30 } }),
    field({ name: `${prefix}.address`, label: '住址', required: true, wide: true, value: values.address }));
}

function applyForm(child, woman, onDone) {
  const father = h('fieldset', {}, h('legend', {}, '父亲信息'), parentFields('father', '父亲'));
  const noFather = h('input', { type: 'checkbox', id: 'no-father' });
  noFather.addEventListener('change', () => { father.hidden = noFather.checked; });
  const form = h('form', { class: 'form', 'aria-label': '出生医学证明申请' },
    h('input', { type: 'hidden', name: 'child_id', value: child.id }),
    h('fieldset', {}, h('legend', {}, '新生儿'),
      h('div', { class: 'fields' },
        field({ name: 'child_name', label: '新生儿姓名', required: true, value: child.name || '', attrs: { maxlength: 15 },
          hint: '仅限规范汉字，1–15字；不能含字母、数字、拼音或空格。签发后不能修改。' }))),
    h('fieldset', {}, h('legend', {}, '母亲信息'), parentFields('mother', '母亲', { name: woman?.name, address: woman?.address, id_type: woman?.id_type }),
      h('p', { class: 'hint' }, '母亲证件须与分娩记录中的身份一致。')),
    h('div', { class: 'field field-check' }, h('label', { for: 'no-father' }, noFather, ' 父亲信息不详（证明上父亲各栏印“/”）')),
    father,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '提交申请')));
  return wireForm(form, {
    pending: '正在提交…',
    action: (body) => api.post('/birth-certificates', body),
    done: onDone,
  });
}

function certCard(c) {
  const issued = c.status === 'issued';
  return card('出生医学证明',
    notice(issued ? 'ok' : c.status === 'voided' ? 'warn' : 'info',
      h('strong', {}, zh(c.status_label) || c.status),
      h('div', {}, `${zh(c.kind_label)} · 新生儿 ${c.child_name}`),
      c.number ? h('div', {}, '证明编号 ', h('b', { 'data-testid': 'cert-number' }, c.number)) : null,
      c.issue_date ? h('div', {}, `签发日期 ${c.issue_date} · ${c.issuing_institution_name || ''}`) : h('div', { class: 'small' }, `申请时间 ${fmtInstant(c.applied_at)} · 由分娩医院审核签发`)),
    c.links?.pdf && issued ? h('a', { class: 'btn btn-block', href: c.links.pdf, target: '_blank', rel: 'noopener' }, '查看证明（PDF）') : null);
}

function oneStop(s) {
  const steps = s ? s.steps : ONE_STOP.map(([step, label]) => ({ step, label, status: 'pending' }));
  return card('出生一件事 办理进度',
    s ? h('p', { class: 'small muted' }, `${zh(s.overall_label)} · 证明编号 ${s.certificate_number || '—'}`)
      : h('p', { class: 'small muted' }, '出生医学证明签发后，户口登记、医保参保、社保卡申领将自动推送办理，无需重复提交材料。'),
    h('ol', { class: 'progress-steps', 'data-testid': 'one-stop' }, steps.map((st) => h('li', { class: `ps-${st.status}` },
      h('span', { class: 'ps-dot', 'aria-hidden': 'true' }, STEP_ICON[st.status] || '·'),
      h('span', {}, h('b', {}, zh(st.label) || st.step), st.detail ? h('div', { class: 'small muted' }, st.detail) : null),
      h('span', { class: 'small' }, zh(st.status_label) || STEP_LABEL[st.status] || st.status)))));
}

export async function render(ctx) {
  const v = ctx.view;
  const wid = ctx.user.woman_id;
  const kids = wid ? ((await api.get('/children', { mother_id: wid, page_size: 20 })).items || []) : [];
  if (!kids.length) {
    clear(v, title('出生医学证明', '出生医学证明申请 · 出生一件事'),
      card(null, notice('info', '宝宝出生并由医院登记分娩后，可以在这里在线申请出生医学证明；签发后户口登记、医保参保、社保卡申领一并办理（出生一件事）。')),
      oneStop(null));
    return;
  }
  const child = kids.find((k) => k.id === ctx.query.child) || kids[0];
  const main = h('div', {}, loading());
  clear(v, title('出生医学证明', `${child.name || '宝宝'} · ${SEX[child.sex] || ''} · 出生 ${child.birth_date}`),
    kids.length > 1 ? h('nav', { class: 'tabs', 'aria-label': '选择宝宝' }, kids.map((k) => h('a', { href: `#/mama/certificate?child=${k.id}`, 'aria-current': k.id === child.id ? 'page' : null }, k.name || `宝宝 ${k.id}`))) : null,
    main);

  let certs;
  try {
    certs = (await api.get('/birth-certificates', { child_id: child.id })).items || [];
  } catch (e) {
    clear(main, errorNotice(e, '出生医学证明在线申请'), oneStop(null));
    return;
  }
  let service = null;
  try {
    service = ((await api.get('/birth-services', { child_id: child.id })).items || [])[0] || null;
  } catch (e) {
    if (!e.missing && e.status !== 404) throw e;
  }
  const current = certs.find((c) => c.status !== 'voided') || certs[0];
  if (current) {
    clear(main, certCard(current), oneStop(service));
    return;
  }
  const woman = await api.get(`/women/${wid}`).catch(() => null);
  clear(main,
    card('在线申请', h('p', { class: 'small muted' }, '由分娩医院核对后签发。出生一个月内申请只需本表；超过一个月需补充材料。'),
      applyForm(child, woman, (c) => {
        toast('申请已提交');
        clear(main, notice('ok', h('strong', {}, '申请已提交，'), '分娩医院审核后签发，签发后自动推送户口登记、医保参保和社保卡申领。'), certCard(c), oneStop(null));
      })),
    oneStop(service));
}
