// 登录: one form; each role then lands on its own home.
import { api } from '../lib/api.js';
import { h, clear, field, wireForm, notice, ROLE_HOME } from '../lib/ui.js';

const DEMO = [
  ['mama', '孕产妇'], ['doctor', '社区医生'], ['obstetrician', '产科医生'], ['rescue', '抢救中心'],
  ['district', '区妇幼所'], ['city', '市级管理'], ['admin', '系统管理员'],
];

export async function render(ctx) {
  const form = h('form', { class: 'form login-form', 'aria-labelledby': 'login-title' },
    field({ name: 'username', label: '用户名', required: true, autocomplete: 'username', attrs: { autocapitalize: 'none', spellcheck: 'false' } }),
    field({ name: 'password', label: '密码', type: 'password', required: true, autocomplete: 'current-password' }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '登录'));

  wireForm(form, {
    pending: '正在登录…',
    action: (body) => api.post('/auth/login', body),
    done: async () => {
      const me = await api.get('/me');
      ctx.setSession(me);
      const next = ctx.query.next && ctx.query.next.startsWith('#/') && !ctx.query.next.startsWith('#/login') ? ctx.query.next : null;
      ctx.go(next || ROLE_HOME[me.user.role] || '#/');
    },
  });

  const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
  const demo = local ? h('details', { class: 'demo-logins' },
    h('summary', {}, '演示账号（密码 fuyou-demo-2026）'),
    h('ul', {}, DEMO.map(([u, label]) => h('li', {}, h('button', {
      type: 'button', class: 'linklike',
      onclick: () => {
        form.querySelector('[name=username]').value = u;
        const pw = form.querySelector('[name=password]');
        pw.value = 'fuyou-demo-2026';
        pw.focus();
      },
    }, u), ` ${label}`)))) : null;

  clear(ctx.view, h('div', { class: 'login-page' },
    h('div', { class: 'login-card card' },
      h('div', { class: 'login-brand' }, h('span', { class: 'logo logo-lg', 'aria-hidden': 'true' }, '妇'),
        h('div', {}, h('h1', { id: 'login-title', tabindex: '-1' }, '上海妇幼健康信息平台'),
          h('p', { class: 'sub' }, '孕产妇 · 医生 · 妇幼管理 统一登录'))),
      ctx.query.expired ? notice('info', '登录已失效，请重新登录。') : null,
      form, demo),
    h('p', { class: 'login-foot muted small' }, '本平台数据受《个人信息保护法》保护，所有查阅均留痕审计。')));
  form.querySelector('[name=username]').focus();
}
