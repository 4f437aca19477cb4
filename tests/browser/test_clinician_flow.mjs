// The community doctor registers a woman and her pregnancy (field errors in
// Chinese next to the field), sees the green badge, enters a visit with
// Hb 55 g/L and sees the badge turn orange with its factor and clause; the
// district MCH institute (徐汇区 310104) then finds her in its high-risk list.
import { run, login, logout, screenshot, assert, residentId, shanghaiToday } from './lib/harness.mjs';

const NAME = '林晓雨';
const ID = residentId('1993-07-15');
const LMP = shanghaiToday(-70); // 10+0 weeks today

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

await run('clinician_flow', async ({ base, page, step }) => {
  let pregnancyId;

  await step('doctor logs in to the workbench', async () => {
    await login(page, base, 'doctor');
    await page.getByRole('heading', { name: '工作台' }).waitFor();
  });

  await step('register a woman: a bad phone is named next to its field in Chinese', async () => {
    await page.getByRole('link', { name: '＋ 孕妇建册' }).click();
    await page.waitForURL(/#\/women\/new/);
    await page.locator('[name="name"]').fill(NAME);
    await page.locator('[name="id_number"]').fill(ID);
    await page.locator('[name="phone"]').fill('1390000');
    await page.locator('[name="residence_district"]').selectOption('310104');
    await page.locator('[name="address"]').fill('上海市徐汇区漕溪北路200号');
    await page.getByRole('button', { name: /保存，下一步/ }).click();
    const err = page.locator('[data-for="phone"] .field-error');
    await err.waitFor();
    const text = await err.innerText();
    assert(text.startsWith('手机号码应为'), `phone error in Chinese next to the field: ${text}`);
    assert(await page.locator('[name="phone"]').getAttribute('aria-invalid') === 'true', 'phone marked invalid');
    assert(await page.evaluate(() => document.activeElement?.name) === 'phone', 'focus moves to the broken field');
    await screenshot(page, 'clinician-1-woman-field-error');
    await page.locator('[name="phone"]').fill('13900002222');
    await page.getByRole('button', { name: /保存，下一步/ }).click();
    await page.waitForURL(/#\/women\/\d+\/pregnancy/);
    await page.getByRole('heading', { name: new RegExp(`登记孕产期档案：${NAME}`) }).waitFor();
  });

  await step('register the pregnancy (small card): GA, EDD and the green badge', async () => {
    await page.locator('[name="lmp"]').fill(LMP);
    await page.locator('[name="height_cm"]').fill('162');
    await page.locator('[name="weight_kg"]').fill('54');
    const preview = await page.locator('.notice-info').first().innerText();
    assert(preview.includes('10+0周'), `live GA preview: ${preview}`);
    await page.getByRole('button', { name: /建立小卡/ }).click();
    await page.waitForURL(/#\/pregnancies\/\d+/);
    pregnancyId = /#\/pregnancies\/(\d+)/.exec(page.url())[1];
    const badge = page.getByTestId('risk-badge');
    await badge.waitFor();
    assert((await badge.innerText()).includes('绿色 低风险'), 'badge says 绿色 低风险');
    assert((await page.getByTestId('ga').innerText()) === '10+0周', 'GA 10+0周');
    assert((await page.getByTestId('edd').innerText()) === addDays(LMP, 280), 'EDD = LMP + 280 days');
    await screenshot(page, 'clinician-2-pregnancy-green');
  });

  await step('a visit with an impossible Hb is refused next to the field', async () => {
    await page.locator('[name="hb_g_l"]').fill('500');
    await page.getByRole('button', { name: '保存产检并重新评估风险' }).click();
    const err = page.locator('[data-for="hb_g_l"] .field-error');
    await err.waitFor();
    const text = await err.innerText();
    assert(/^血红蛋白.*(30|200)/.test(text), `Hb error in Chinese: ${text}`);
  });

  await step('a visit with Hb 55 g/L turns the badge orange', async () => {
    await page.locator('[name="hb_g_l"]').fill('55');
    await page.locator('[name="weight_kg"]').fill('55');
    await page.locator('[name="sbp"]').fill('112');
    await page.locator('[name="dbp"]').fill('70');
    await page.locator('[name="fetal_heart_rate"]').fill('150');
    await page.getByRole('button', { name: '保存产检并重新评估风险' }).click();
    const badge = page.getByTestId('risk-badge');
    await page.waitForFunction(() => document.querySelector('[data-testid=risk-badge]')?.textContent.includes('橙色'));
    assert((await badge.innerText()).includes('橙色 较高风险'), 'badge says 橙色 较高风险');
    assert(await page.evaluate(() => document.activeElement?.dataset.testid) === 'risk-badge', 'focus on the new badge');
    await page.getByText(/风险评估由 绿色 低风险 变为 橙色 较高风险/).waitFor();
  });

  await step('clicking the badge lists the factor, computed, with its clause', async () => {
    const badge = page.getByTestId('risk-badge');
    await badge.click();
    assert(await badge.getAttribute('aria-expanded') === 'true', 'badge expanded');
    const panel = page.locator('.risk-panel').first();
    await panel.waitFor();
    const text = await panel.innerText();
    assert(text.includes('重度贫血'), `factor listed: ${text}`);
    assert(text.includes('计算得出'), 'told computed');
    assert(/橙色 2\.6/.test(text), 'source clause 橙色 2.6.x');
    await page.getByText('血红蛋白 55 g/L').first().waitFor(); // on the timeline
    await screenshot(page, 'clinician-3-pregnancy-orange');
  });

  await step('the workbench counts her in the high-risk list', async () => {
    await page.getByRole('link', { name: '工作台' }).click();
    const tile = page.locator('[data-count="high-risk"]');
    await page.waitForFunction(() => /^\d+/.test(document.querySelector('[data-count="high-risk"]')?.textContent || ''));
    assert(parseInt(await tile.innerText(), 10) >= 1, 'high-risk count ≥ 1');
    await page.getByRole('link', { name: NAME }).first().waitFor();
    await screenshot(page, 'clinician-4-workbench');
  });

  await step('find her by ID number', async () => {
    await page.locator('#woman-search').fill(ID);
    await page.locator('#woman-search').press('Enter');
    await page.waitForURL(/#\/women\?q=/);
    await page.getByRole('link', { name: NAME }).first().waitFor();
  });

  await step('the district MCH institute finds her in its high-risk list', async () => {
    await logout(page);
    await login(page, base, 'district');
    await page.getByRole('heading', { name: /辖区概览/ }).waitFor();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '高危专案' }).click();
    await page.waitForURL(/#\/worklists\/high-risk/);
    const row = page.locator('tr', { has: page.getByRole('link', { name: NAME }) });
    await row.waitFor();
    assert((await row.innerText()).includes('橙色 较高风险'), 'her row shows orange');
    await screenshot(page, 'clinician-5-district-high-risk');
    await row.getByRole('link', { name: NAME }).click();
    await page.waitForURL(new RegExp(`#/pregnancies/${pregnancyId}$`));
    await page.getByTestId('risk-badge').waitFor();
  });
});
