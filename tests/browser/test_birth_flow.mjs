// The obstetrician opens the big card for a woman the community centre
// already registered (the duplicate-ID path), records her delivery; the
// mother then sees her baby, the growth chart after the first check, applies
// for the birth certificate and follows the birth one-stop steps.
import { run, login, logout, screenshot, assert, apiAs, shanghaiToday, paintedPixels } from './lib/harness.mjs';

await run('birth_flow', async ({ base, page, step }) => {
  const doctor = await apiAs(base, 'doctor');
  const mamaRecord = await doctor.get('/women/1?unmask=true&reason=%E6%A0%B8%E5%AF%B9%E8%BA%AB%E4%BB%BD');
  assert(mamaRecord.status === 200, `doctor reads the demo mother: ${JSON.stringify(mamaRecord.body)}`);
  const mama = mamaRecord.body;
  let pregnancyId;
  let childId;

  await step('obstetrician: 建档 with her ID finds the existing record', async () => {
    await login(page, base, 'obstetrician');
    await page.getByRole('link', { name: '＋ 建档（大卡）' }).click();
    await page.locator('[name="name"]').fill(mama.name);
    await page.locator('[name="id_number"]').fill(mama.id_number);
    await page.locator('[name="phone"]').fill(mama.phone);
    await page.locator('[name="residence_district"]').selectOption('310104');
    await page.locator('[name="address"]').fill(mama.address);
    await page.getByRole('button', { name: /保存，下一步/ }).click();
    await page.getByText('该证件号码已经登记。').waitFor();
    await page.getByRole('link', { name: /为她登记孕产期/ }).click();
    await page.waitForURL(/#\/women\/1\/pregnancy/);
  });

  await step('the big card at 43 weeks since the LMP (she was registered late)', async () => {
    await page.locator('[name="lmp"]').fill(shanghaiToday(-303));
    await page.locator('[name="height_cm"]').fill('160');
    await page.locator('[name="weight_kg"]').fill('56');
    await page.getByRole('button', { name: /建立大卡/ }).click();
    await page.waitForURL(/#\/pregnancies\/\d+/);
    pregnancyId = /#\/pregnancies\/(\d+)/.exec(page.url())[1];
    await page.getByTestId('risk-badge').waitFor();
  });

  await step('delivery entry: one girl, 3300 g, 30 days ago', async () => {
    await page.getByRole('button', { name: '分娩登记' }).click();
    const form = page.locator('[data-panel="delivery"]');
    await form.locator('[name="delivered_at"]').fill(`${shanghaiToday(-30)} 10:30`);
    await form.locator('[name="mode"]').selectOption('spontaneous');
    await form.locator('[name="epidural"]').check();
    await form.locator('[name="blood_loss_ml"]').fill('280');
    await form.locator('[name="babies[0].sex"]').selectOption('2');
    await form.locator('[name="babies[0].weight_g"]').fill('3300');
    await form.locator('[name="babies[0].length_cm"]').fill('50');
    await form.locator('[name="babies[0].head_cm"]').fill('34');
    await form.locator('[name="babies[0].apgar_1"]').fill('9');
    await form.locator('[name="babies[0].apgar_5"]').fill('10');
    await form.getByRole('button', { name: '保存分娩记录' }).click();
    await page.getByText('分娩记录已保存').first().waitFor();
    await page.locator('.flags').getByText('已分娩').waitFor();
    await page.getByText('第1胎 · 女 · 3300 g').waitFor();
    await screenshot(page, 'birth-1-delivery');
    const rec = await (await apiAs(base, 'obstetrician')).get(`/pregnancies/${pregnancyId}`);
    childId = rec.body.babies[0].child_id;
    assert(childId, 'a child record was made');
  });

  await step('the community doctor enters the one-month check (API)', async () => {
    const r = await doctor.post(`/children/${childId}/checks`, {
      date: shanghaiToday(0), weight_kg: 4.5, length_cm: 54.2, measured: 'recumbent', head_cm: 37,
    });
    assert(r.status === 201, `check saved: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
  });

  await step('the mother sees her baby on her phone', async () => {
    await logout(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await login(page, base, 'mama');
    await page.getByText('恭喜您！宝宝已出生').waitFor();
    await screenshot(page, 'birth-2-mama-home');
  });

  await step('宝宝成长: the growth chart is drawn', async () => {
    await page.getByRole('link', { name: '宝宝成长' }).first().click();
    await page.waitForURL(/#\/mama\/baby/);
    const charts = page.locator('.chart');
    await charts.first().waitFor();
    await page.waitForTimeout(600);
    const n = await paintedPixels(charts.first());
    assert(n > 100, `growth chart painted (${n} pixels)`);
    await screenshot(page, 'birth-3-mama-growth');
  });

  await step('出生医学证明: apply online', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '出生证明' }).click();
    await page.waitForURL(/#\/mama\/certificate/);
    await page.locator('[name="child_name"]').fill('王小宝1');
    await page.locator('[name="mother.id_number"]').fill(mama.id_number);
    await page.getByLabel(/父亲信息不详/).check();
    await page.getByRole('button', { name: '提交申请' }).click();
    const err = page.locator('[data-for="child_name"] .field-error');
    await err.waitFor();
    assert(/汉字|数字/.test(await err.innerText()), `a digit in the name is refused in Chinese: ${await err.innerText()}`);
    await page.locator('[name="child_name"]').fill('王小宝');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交').first().waitFor();
    await page.getByText(/已申请，待签发/).first().waitFor();
  });

  await step('the obstetrician issues it from the child page', async () => {
    const city = await apiAs(base, 'city');
    const block = await city.post('/certificate-blocks', { institution_id: 'sh6', letter: 'X', first: '310000001', last: '310000050' });
    assert(block.status === 201, `block: ${JSON.stringify(block.body)}`);
    await logout(page);
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, base, 'obstetrician');
    await page.goto(`${base}/#/children/${childId}`);
    await page.getByText('已申请，待签发').waitFor();
    await page.getByRole('button', { name: /签发/ }).click();
    await page.getByText('X310000001', { exact: true }).waitFor();
    await page.getByText('已签发').first().waitFor();
    await screenshot(page, 'birth-4-child-issued');
  });

  await step('the mother sees the number and follows the one-stop steps', async () => {
    await logout(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await login(page, base, 'mama');
    await page.goto(`${base}/#/mama/certificate`);
    await page.getByTestId('cert-number').waitFor();
    assert((await page.getByTestId('cert-number').innerText()) === 'X310000001', 'the number is shown');
    const steps = page.getByTestId('one-stop').locator('li');
    assert(await steps.count() === 3, 'three one-stop steps');
    const text = await page.getByTestId('one-stop').innerText();
    assert(text.includes('户口') && text.includes('医保') && text.includes('社会保障卡'), `steps named: ${text}`);
    await screenshot(page, 'birth-5-mama-certificate');
  });
});
