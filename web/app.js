// fuyou web UI: a small hash router, the session, and the frame (top bar,
// navigation by role). Each page is an ES module loaded when first needed.
import { api, ApiError, setUnauthenticatedHandler } from './lib/api.js';
import { h, clear, ROLE_HOME, errorNotice, loading, today } from './lib/ui.js';
import { icon as svgIcon } from './lib/icons.js';

const CLIN = ['community_doctor', 'obstetrician'];
const STAFF = [...CLIN, 'rescue_center'];
const OFFICIALS = ['district_admin', 'city_admin'];

// pattern, module, export, roles (null: anyone signed in), title
const ROUTES = [
  ['/login', 'login', 'render', 'public', '登录'],
  ['/workbench', 'workbench', 'render', CLIN, '工作台'],
  ['/women', 'women', 'search', [...STAFF, ...OFFICIALS, 'sys_admin'], '查找孕产妇'],
  ['/women/new', 'women', 'create', CLIN, '孕妇建册'],
  ['/women/:id', 'women', 'show', [...STAFF, ...OFFICIALS, 'sys_admin'], '妇女档案'],
  ['/women/:id/pregnancy', 'register', 'render', CLIN, '登记孕产期档案'],
  ['/pregnancies/:id', 'pregnancy', 'render', [...STAFF, ...OFFICIALS, 'sys_admin'], '孕产妇档案'],
  ['/worklists/:kind', 'worklists', 'render', [...STAFF, ...OFFICIALS, 'sys_admin'], '工作清单'],
  ['/children/:id', 'child', 'render', null, '儿童档案'],
  ['/mama', 'mama', 'home', ['citizen'], '我的孕期'],
  ['/mama/register', 'mama_register', 'render', ['citizen'], '网上建小卡'],
  ['/mama/book', 'mama', 'book', ['citizen'], '预约产检'],
  ['/mama/record', 'mama', 'record', ['citizen'], '我的档案'],
  ['/mama/baby', 'mama', 'baby', ['citizen'], '宝宝成长'],
  ['/mama/certificate', 'certificate', 'render', ['citizen'], '出生医学证明'],
  ['/overview', 'dashboard', 'render', [...OFFICIALS, 'sys_admin'], '统计看板'],
  ['/referrals', 'referrals', 'render', [...STAFF, ...OFFICIALS, 'sys_admin'], '转诊会诊'],
  ['/settings', 'settings', 'render', ['city_admin', 'sys_admin'], '参数配置'],
  ['/audit', 'audit', 'render', ['city_admin', 'sys_admin'], '审计日志'],
].map(([pattern, mod, fn, roles, title]) => ({
  pattern, mod, fn, roles, title,
  re: new RegExp(`^${pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`),
}));

const NAV = {
  citizen: [['#/mama', '我的孕期', 'home'], ['#/mama/register', '建小卡', 'card'], ['#/mama/book', '预约产检', 'calendar'],
    ['#/mama/record', '我的档案', 'record'], ['#/mama/baby', '宝宝成长', 'baby'], ['#/mama/certificate', '出生证明', 'certificate']],
  community_doctor: [['#/workbench', '工作台'], ['#/women', '查找孕产妇'], ['#/women/new', '孕妇建册'],
    ['#/worklists/high-risk', '工作清单']],
  obstetrician: [['#/workbench', '工作台'], ['#/women', '查找孕产妇'], ['#/women/new', '建档（大卡）'],
    ['#/worklists/high-risk', '工作清单'], ['#/referrals', '转诊']],
  rescue_center: [['#/referrals', '转诊会诊清单'], ['#/women', '查找孕产妇']],
  district_admin: [['#/overview', '辖区概览'], ['#/worklists/high-risk', '高危专案'], ['#/worklists/reviews', '评审'],
    ['#/women', '查找孕产妇'], ['#/referrals', '转诊']],
  city_admin: [['#/overview', '全市看板'], ['#/worklists/high-risk', '工作清单'], ['#/worklists/reviews', '评审'],
    ['#/referrals', '转诊'], ['#/settings', '参数配置'], ['#/audit', '审计']],
  sys_admin: [['#/audit', '审计日志'], ['#/settings', '参数配置'], ['#/overview', '统计看板']],
};

const session = { me: null };
const modules = new Map();
let navSeq = 0;

function loadModule(name) {
  if (!modules.has(name)) modules.set(name, import(`./pages/${name}.js`));
  return modules.get(name);
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(q || '')) };
}

function homeOf(me) { return (me && ROLE_HOME[me.user.role]) || '#/login'; }

function frame(me, path) {
  const top = document.getElementById('topbar');
  const nav = document.getElementById('nav');
  document.body.className = me ? `role-${me.user.role}` : 'signed-out';
  if (!me) {
    top.hidden = true;
    nav.hidden = true;
    return;
  }
  const u = me.user;
  const where = [u.role_label, me.institution_name || me.district_name].filter(Boolean).join(' · ');
  clear(top,
    h('a', { class: 'brand', href: homeOf(me), 'aria-label': '上海妇幼 首页' },
      h('span', { class: 'logo', 'aria-hidden': 'true' }, '妇'), h('span', { class: 'brand-text' }, '上海妇幼', h('small', {}, '妇幼健康信息平台'))),
    h('div', { class: 'who' },
      h('span', { class: 'who-name' }, u.username), h('span', { class: 'who-where' }, where),
      h('span', { class: 'who-date' }, today()),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', id: 'logout', onclick: logout }, '退出')));
  top.hidden = false;
  const items = NAV[u.role] || [];
  nav.className = u.role === 'citizen' ? 'mama-nav' : 'sidenav';
  // the one item the page belongs to: an exact match, else the longest prefix
  const score = (target) => {
    if (path === target) return 1000;
    const base = target.replace(/\/high-risk$/, '');
    return path.startsWith(`${base}/`) ? base.length : -1;
  };
  const best = Math.max(...items.map(([href]) => score(href.slice(1))));
  clear(nav, h('ul', {}, items.map(([href, label, icon]) => {
    const current = best >= 0 && score(href.slice(1)) === best;
    return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null },
      icon ? h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, svgIcon(icon, 22)) : null, h('span', {}, label)));
  })));
  nav.hidden = items.length === 0;
}

async function logout() {
  try { await api.post('/auth/logout'); } catch (e) { /* signed out either way */ }
  session.me = null;
  go('#/login');
}

async function route() {
  const seq = ++navSeq;
  const { path, query } = parseHash();
  if (!path.startsWith('/')) return; // an in-page anchor
  const main = document.getElementById('main');
  if (session.me === null && path !== '/login') {
    try {
      session.me = await api.get('/me');
    } catch (e) {
      session.me = null;
      if (seq !== navSeq) return;
      if (e instanceof ApiError && e.status === 401) {
        const back = path !== '/' ? `?next=${encodeURIComponent(location.hash)}` : '';
        location.replace(`#/login${back}`);
        return;
      }
      frame(null, path);
      clear(main, errorNotice(e));
      return;
    }
  }
  if (seq !== navSeq) return;
  const me = session.me;
  if (path === '/' || (path === '/login' && me)) {
    location.replace(homeOf(me));
    return;
  }
  let match = null;
  let r;
  for (r of ROUTES) {
    match = r.re.exec(path);
    if (match) break;
  }
  frame(path === '/login' ? null : me, path);
  if (!match) {
    document.title = '页面不存在 · 上海妇幼';
    clear(main, h('div', { class: 'card' }, h('h1', { tabindex: '-1' }, '页面不存在'),
      h('p', {}, '您访问的页面不存在。'), h('a', { class: 'btn', href: homeOf(me) }, '回到首页')));
    return;
  }
  if (Array.isArray(r.roles) && !r.roles.includes(me.user.role)) {
    document.title = `无权访问 · 上海妇幼`;
    clear(main, h('div', { class: 'card' }, h('h1', { tabindex: '-1' }, '无权访问'),
      h('p', {}, `当前角色（${me.user.role_label}）不能使用“${r.title}”。`), h('a', { class: 'btn', href: homeOf(me) }, '回到首页')));
    return;
  }
  document.title = `${r.title} · 上海妇幼`;
  const view = h('div', { class: 'view' }, loading());
  clear(main, view);
  let mod;
  try {
    mod = await loadModule(r.mod);
  } catch (e) {
    clear(view, errorNotice({ message: '页面加载失败，请刷新重试' }));
    console.error(e);
    return;
  }
  if (seq !== navSeq) return;
  const ctx = {
    view, me, user: me?.user, params: match.groups || {}, query, go,
    alive: () => seq === navSeq,
    setSession: (m) => { session.me = m; },
  };
  try {
    await mod[r.fn](ctx);
  } catch (e) {
    if (seq !== navSeq) return;
    if (e instanceof ApiError && e.status === 401) return;
    console.error(e);
    clear(view, errorNotice(e));
  }
  if (seq === navSeq) {
    const h1 = view.querySelector('h1');
    if (h1 && !view.contains(document.activeElement)) h1.focus({ preventScroll: true });
  }
}

setUnauthenticatedHandler(() => {
  if (session.me) {
    session.me = null;
    location.hash = `#/login?expired=1&next=${encodeURIComponent(location.hash)}`;
  }
});

document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  const main = document.getElementById('main');
  (main.querySelector('h1') || main).focus();
});

window.addEventListener('hashchange', route);
route();
