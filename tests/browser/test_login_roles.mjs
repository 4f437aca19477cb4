// Every role logs in through the page and lands on its own home; a wrong
// password is told in Chinese; signing out returns to the log-in page.
import { run, login, logout, screenshot, assert } from './lib/harness.mjs';

const HOMES = [
  ['mama', '#/mama', '我的孕期', { width: 390, height: 844 }],
  ['doctor', '#/workbench', '工作台'],
  ['obstetrician', '#/workbench', '工作台'],
  ['rescue', '#/referrals', '转诊会诊清单'],
  ['district', '#/overview', '辖区概览'],
  ['city', '#/overview', '全市看板'],
  ['admin', '#/audit', '审计日志'],
];

await run('login_roles', async ({ base, page, step }) => {
  await step('the log-in page is the start page, in Chinese', async () => {
    await page.goto(base);
    await page.waitForURL(/#\/login/);
    assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'lang is zh-CN');
    await page.getByRole('heading', { name: '上海妇幼健康信息平台' }).waitFor();
    assert(await page.evaluate(() => document.activeElement?.name) === 'username', 'focus starts in the user name');
    await screenshot(page, 'login');
  });

  await step('a wrong password is refused with a Chinese message', async () => {
    await page.getByLabel('用户名').fill('doctor');
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByLabel('密码').press('Enter'); // keyboard submit
    const err = page.locator('.form-error');
    await err.waitFor();
    const text = await err.innerText();
    assert(text.includes('用户名或密码错误'), `error says so in Chinese: ${text}`);
    assert(page.url().includes('#/login'), 'still on the log-in page');
  });

  for (const [user, home, heading, viewport] of HOMES) {
    await step(`${user} lands on ${home} (${heading})`, async () => {
      await page.setViewportSize(viewport || { width: 1366, height: 900 });
      await login(page, base, user);
      await page.waitForURL((u) => u.hash.startsWith(home));
      const h1 = await page.locator('main h1').first().innerText();
      assert(h1.includes(heading), `${user}: heading "${h1}" has "${heading}"`);
      await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 20000 }).catch(() => {});
      await page.waitForTimeout(400);
      await screenshot(page, `home-${user}`);
      await logout(page);
    });
  }

  await step('the audit log names the chain of each row (sign-ins are changes: 变更)', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, base, 'admin');
    await page.waitForURL((u) => u.hash.startsWith('#/audit'));
    const table = page.locator('main table');
    await table.waitFor({ timeout: 20000 });
    const text = await table.innerText();
    assert(text.includes('日志'), 'a column names the log');
    assert(text.includes('变更') && text.includes('登录'), 'the sign-ins are in the change log');
    await logout(page);
  });

  await step('a page behind the log-in sends a stranger to log in, then back', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${base}/#/worklists/high-risk`);
    await page.waitForURL(/#\/login\?next=/);
    await page.getByLabel('用户名').fill('district');
    await page.getByLabel('密码').fill('fuyou-demo-2026');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/#\/worklists\/high-risk/);
    await page.getByRole('heading', { name: /工作清单/ }).waitFor();
  });
});
