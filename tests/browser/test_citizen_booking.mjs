// The mother, on a phone: registers the small card online step by step
// (district → centres, what to bring, by which date), sees her pregnancy
// home (GA, EDD, badge, reminders), and books an antenatal visit.
import { run, login, screenshot, assert, shanghaiToday } from './lib/harness.mjs';

const LMP = shanghaiToday(-56); // 8+0 weeks

function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

await run('citizen_booking', async ({ base, page, step }) => {
  await page.setViewportSize({ width: 390, height: 844 });

  await step('mama logs in: no record yet, invited to register online', async () => {
    await login(page, base, 'mama');
    await page.getByText('您还没有孕产期档案').waitFor();
    await page.getByRole('link', { name: '网上建小卡' }).first().click();
    await page.waitForURL(/#\/mama\/register/);
  });

  await step('step 1: district and last period; a future date is refused in Chinese', async () => {
    await page.getByText('第 1 步（共 4 步）').waitFor();
    assert(await page.locator('[name="district"]').inputValue() === '310104', 'her district is preselected');
    await page.locator('[name="lmp"]').fill(shanghaiToday(5));
    await page.getByRole('button', { name: /查看建册指引/ }).click();
    const err = page.locator('[data-for="lmp"] .field-error');
    await err.waitFor();
    assert((await err.innerText()).startsWith('末次月经不能晚于今天'), `lmp error: ${await err.innerText()}`);
    await page.locator('[name="lmp"]').fill(LMP);
    await screenshot(page, 'citizen-1-register-step1');
    await page.getByRole('button', { name: /查看建册指引/ }).click();
  });

  await step('step 2: the centres of her district and the last day', async () => {
    await page.getByText('第 2 步（共 4 步）').waitFor();
    const deadline = await page.getByTestId('deadline').innerText();
    assert(deadline === addDays(LMP, 90), `small-card deadline ${deadline} = LMP + 12+6 weeks`);
    const centres = page.locator('[name="institution_id"]');
    assert(await centres.count() >= 2, 'several centres offered');
    await centres.nth(1).check();
    await screenshot(page, 'citizen-2-register-centres');
    await page.getByRole('button', { name: /携带材料/ }).click();
  });

  await step('step 3: what to bring, and a few health facts', async () => {
    await page.getByText('第 3 步（共 4 步）').waitFor();
    await page.getByText('本人有效身份证件').waitFor();
    await page.locator('[name="height_cm"]').fill('163');
    await page.locator('[name="weight_kg"]').fill('52');
    await screenshot(page, 'citizen-3-register-documents');
    await page.getByRole('button', { name: /下一步：确认/ }).click();
  });

  await step('step 4: confirm and submit', async () => {
    await page.getByText('第 4 步（共 4 步）').waitFor();
    await page.getByRole('button', { name: '提交建册' }).click();
    await page.getByText('网上建册已提交！').waitFor();
    await screenshot(page, 'citizen-4-register-done');
  });

  await step('her home: GA, EDD, the badge and what to do next', async () => {
    await page.getByRole('link', { name: '查看我的孕期' }).click();
    await page.waitForURL(/#\/mama$/);
    assert((await page.getByTestId('ga').innerText()).replace(/\s/g, '') === '8+0周', 'GA 8+0周');
    assert(await page.getByTestId('edd').innerText() === addDays(LMP, 280), 'EDD');
    assert((await page.getByTestId('risk-badge').innerText()).includes('绿色 低风险'), 'green badge');
    await page.getByTestId('reminders').waitFor();
    await screenshot(page, 'citizen-5-home');
  });

  await step('book a visit', async () => {
    await page.getByRole('link', { name: '预约产检' }).first().click();
    await page.waitForURL(/#\/mama\/book/);
    const date = shanghaiToday(3);
    await page.locator('[name="date"]').fill(date);
    await page.getByRole('button', { name: '确认预约' }).click();
    await page.getByText('预约成功！').waitFor();
    const list = await page.getByTestId('appointments').innerText();
    assert(list.includes(date), `the booking is listed: ${list}`);
    await screenshot(page, 'citizen-6-booked');
  });

  await step('booking the same day twice is refused in Chinese', async () => {
    await page.getByRole('button', { name: '确认预约' }).click();
    const err = page.locator('.form-error');
    await err.waitFor();
    assert((await err.innerText()).includes('当天已有预约'), `refusal: ${await err.innerText()}`);
  });

  await step('the booking shows among her reminders', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的孕期' }).click();
    await page.waitForURL(/#\/mama$/);
    const text = await page.getByTestId('reminders').innerText();
    assert(text.includes('产检预约') && text.includes(shanghaiToday(3)), `reminders: ${text}`);
  });
});
