// The officials' dashboards: with a few deliveries entered through the API,
// the city dashboard draws its charts (canvas painted), shows the district
// table and the work lists, and exports xlsx and csv; the district admin
// sees her district.
import { run, login, logout, screenshot, assert, apiAs, residentId, shanghaiToday, paintedPixels } from './lib/harness.mjs';

// Three mothers of three districts deliver at 上海市第六人民医院 20 days ago.
async function seed(base) {
  const ob = await apiAs(base, 'obstetrician');
  const people = [['周佳怡', '310104', '1992-03-04'], ['吴梦瑶', '310101', '1990-11-20'], ['郑雨欣', '310115', '1995-06-30']];
  for (const [i, [name, district, birth]] of people.entries()) {
    const w = await ob.post('/women', {
      name, id_type: 'resident_id', id_number: residentId(birth, district), phone: `1390000100${i}`,
      residence_district: district, address: '上海市',
    });
    assert(w.status === 201, `woman: ${JSON.stringify(w.body)}`);
    const p = await ob.post('/pregnancies', {
      woman_id: w.body.id, lmp: shanghaiToday(-300), card: 'big', institution_id: 'sh6', gravidity: 1, parity: 0,
      height_cm: 160, weight_kg: 55 + i * 10,
    });
    assert(p.status === 201, `pregnancy: ${JSON.stringify(p.body)}`);
    if (i === 0) {
      const v = await ob.post(`/pregnancies/${p.body.id}/visits`, { date: shanghaiToday(-25), hb_g_l: 55 });
      assert(v.status === 201, `visit: ${JSON.stringify(v.body)}`);
    }
    const d = await ob.post(`/pregnancies/${p.body.id}/delivery`, {
      delivered_at: `${shanghaiToday(-20)}T0${i + 1}:15`, mode: i === 1 ? 'caesarean' : 'spontaneous',
      ...(i === 1 ? { cs_indication: '胎儿窘迫' } : { epidural: i === 0 }),
      babies: [{ sex: 1 + (i % 2), weight_g: 3100 + i * 300, outcome: 'live' }],
    });
    assert(d.status === 201, `delivery: ${JSON.stringify(d.body)}`);
  }
}

await run('dashboard', async ({ base, page, step }) => {
  await step('seed three deliveries through the API', () => seed(base));

  await step('the city dashboard draws its charts', async () => {
    await login(page, base, 'city');
    await page.getByRole('heading', { name: '全市看板' }).waitFor();
    await page.locator('.kpi').first().waitFor();
    await page.locator('.chart canvas').nth(2).waitFor();
    await page.waitForTimeout(800); // animation
    const charts = page.locator('.chart');
    assert(await charts.count() >= 3, 'three charts');
    for (let i = 0; i < 3; i++) {
      const n = await paintedPixels(charts.nth(i));
      assert(n > 200, `chart ${i} painted (${n} pixels)`);
    }
    const table = await page.getByTestId('indicator-table').locator('table').innerText();
    assert(table.includes('徐汇区') && table.includes('黄浦区') && table.includes('浦东新区'), 'district table has the three districts');
    await page.getByRole('link', { name: '周佳怡' }).waitFor(); // high-risk list on the dashboard
    await screenshot(page, 'dashboard-1-city');
  });

  await step('another indicator redraws the charts', async () => {
    await page.locator('.kpi', { hasText: '剖宫产率' }).click();
    await page.getByRole('heading', { name: /各区对比 · 剖宫产率/ }).waitFor();
    assert(await page.locator('.kpi', { hasText: '剖宫产率' }).getAttribute('aria-pressed') === 'true', 'pressed');
  });

  await step('exports: xlsx and csv download', async () => {
    for (const [fmt, label] of [['xlsx', '导出 Excel'], ['csv', '导出 CSV']]) {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
      assert(dl.suggestedFilename().endsWith(`.${fmt}`), `${fmt} file name ${dl.suggestedFilename()}`);
      const path = await dl.path();
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(path);
      if (fmt === 'xlsx') assert(bytes[0] === 0x50 && bytes[1] === 0x4b, 'xlsx is a zip');
      else assert(bytes.toString('utf8').includes('早孕建册率'), 'csv has Chinese headers');
    }
  });

  await step('the district admin sees her district, its charts and lists', async () => {
    await logout(page);
    await login(page, base, 'district');
    await page.getByRole('heading', { name: '辖区概览 · 徐汇区' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await page.waitForTimeout(800);
    const n = await paintedPixels(page.locator('.chart').first());
    assert(n > 200, `district chart painted (${n})`);
    await screenshot(page, 'dashboard-2-district');
    await page.getByRole('link', { name: '全部 →' }).first().click();
    await page.waitForURL(/#\/worklists\/high-risk/);
    await page.getByRole('link', { name: '周佳怡' }).waitFor();
    await page.getByRole('link', { name: /评审/ }).first().click();
    await page.waitForURL(/#\/worklists\/reviews/);
    await page.getByText(/清单为空|共 \d+ 条/).first().waitFor();
  });
});
