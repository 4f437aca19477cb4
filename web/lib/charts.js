// ECharts, loaded from /vendor/ (copied from npm by scripts/deps.sh) the
// first time a page draws a chart; never from the internet.
import { h, notice } from './ui.js';

let loading = null;

export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/echarts.min.js';
      s.async = true;
      s.onload = () => (window.echarts ? resolve(window.echarts) : reject(new Error('echarts')));
      s.onerror = () => { loading = null; reject(new Error('图表组件未安装（请运行 scripts/deps.sh 复制 ECharts 到 web/vendor/）')); };
      document.head.append(s);
    });
  }
  return loading;
}

export const PALETTE = ['#c2185b', '#1769aa', '#2e7d32', '#f57c00', '#6a1b9a', '#00838f', '#8d6e63', '#5c6bc0'];
const FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

const charts = new Set();
let observer = null;

// Draws `option` into `el` (a sized block). Returns the chart, or null with a
// Chinese notice in place of the chart when ECharts cannot be loaded.
export async function draw(el, option, { label } = {}) {
  let echarts;
  try {
    echarts = await loadECharts();
  } catch (e) {
    el.replaceWith(notice('warn', e.message));
    return null;
  }
  if (!el.isConnected) return null;
  el.setAttribute('role', 'img');
  if (label) el.setAttribute('aria-label', label);
  const old = echarts.getInstanceByDom(el);
  if (old) old.dispose();
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    animationDuration: 300,
    ...option,
  });
  charts.add(chart);
  if (!observer) {
    observer = new ResizeObserver(() => {
      for (const c of charts) {
        if (c.isDisposed() || !c.getDom().isConnected) { charts.delete(c); if (!c.isDisposed()) c.dispose(); } else c.resize();
      }
    });
    observer.observe(document.body);
  }
  return chart;
}

export function chartBox(cls = 'chart') { return h('div', { class: cls }); }
