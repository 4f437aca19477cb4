// A red-graded woman living in 浦东新区 is referred from 上海市第六人民医院:
// the referral goes to the centre paired with her district (仁济医院), whose
// staff accept it from their list.
import { run, login, logout, screenshot, assert, apiAs, residentId, shanghaiToday } from './lib/harness.mjs';

const NAME = '钱思琪';

await run('rescue_referral', async ({ base, page, step }) => {
  let pid;
  await step('a red-graded pregnancy at 上海市第六人民医院 (API)', async () => {
    const ob = await apiAs(base, 'obstetrician');
    const w = await ob.post('/women', {
      name: NAME, id_type: 'resident_id', id_number: residentId('1991-02-18', '310115'), phone: '13700001234',
      residence_district: '310115', address: '上海市浦东新区张杨路100号',
    });
    assert(w.status === 201, JSON.stringify(w.body));
    const p = await ob.post('/pregnancies', {
      woman_id: w.body.id, lmp: shanghaiToday(-200), card: 'big', institution_id: 'sh6', gravidity: 2, parity: 1,
      height_cm: 158, weight_kg: 60,
    });
    assert(p.status === 201, JSON.stringify(p.body));
    pid = p.body.id;
    const v = await ob.post(`/pregnancies/${pid}/visits`, { date: shanghaiToday(0), hb_g_l: 38, plt_10e9_l: 25 });
    assert(v.status === 201 && v.body.risk.color === 'red', `red: ${v.body.risk?.color}`);
  });

  await step('the obstetrician sees red and refers her', async () => {
    await login(page, base, 'obstetrician');
    await page.goto(`${base}/#/pregnancies/${pid}`);
    const badge = page.getByTestId('risk-badge');
    await badge.waitFor();
    assert((await badge.innerText()).includes('红色 高风险'), 'red badge');
    await page.getByText('尚未记录“是否适宜继续妊娠”的评估').waitFor();
    await page.getByRole('button', { name: '转诊/会诊' }).click();
    const form = page.locator('[data-panel="referral"]');
    await form.locator('[name="urgency"]').selectOption('emergency');
    await form.locator('[name="reason"]').fill('重度贫血合并血小板减少，需上级抢救中心评估');
    await form.getByRole('button', { name: '提交申请' }).click();
    await page.getByText(/转诊申请已提交/).waitFor();
    const text = await page.locator('[data-panel="referral"]').innerText();
    assert(text.includes('仁济'), `routed to the paired centre: ${text}`);
    await screenshot(page, 'rescue-1-referred');
  });

  await step('the rescue centre accepts it from its list', async () => {
    await logout(page);
    await login(page, base, 'rescue');
    await page.getByRole('heading', { name: '转诊会诊清单' }).waitFor();
    const row = page.locator('tr', { hasText: NAME });
    await row.waitFor();
    assert((await row.innerText()).includes('已申请'), 'requested');
    await row.getByRole('button', { name: '接收' }).click();
    await page.getByRole('button', { name: '确认接收' }).click();
    await page.waitForFunction((n) => [...document.querySelectorAll('tr')].some((tr) => tr.textContent.includes(n) && tr.textContent.includes('已接收')), NAME);
    await screenshot(page, 'rescue-2-accepted');
  });
});
