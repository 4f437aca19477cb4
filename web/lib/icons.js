// A few line icons drawn as inline SVG (no icon font, no emoji font needed).
const NS = 'http://www.w3.org/2000/svg';

const SHAPES = {
  home: [['path', { d: 'M3 11 12 4l9 7' }], ['path', { d: 'M5 10v10h14V10' }], ['path', { d: 'M10 20v-6h4v6' }]],
  card: [['rect', { x: 4, y: 3, width: 16, height: 18, rx: 2 }], ['path', { d: 'M8 8h8M8 12h8M8 16h5' }]],
  calendar: [['rect', { x: 3, y: 5, width: 18, height: 16, rx: 2 }], ['path', { d: 'M3 10h18M8 3v4M16 3v4' }]],
  record: [['path', { d: 'M9 4h6v3H9z' }], ['path', { d: 'M7 5H5v16h14V5h-2' }], ['path', { d: 'M8 12h8M8 16h6' }]],
  baby: [['circle', { cx: 12, cy: 8, r: 4 }], ['path', { d: 'M5 21c0-4 3-7 7-7s7 3 7 7' }], ['path', { d: 'M10.5 8h.01M13.5 8h.01' }]],
  certificate: [['path', { d: 'M6 3h9l4 4v14H6z' }], ['path', { d: 'M14 3v5h5' }], ['circle', { cx: 11, cy: 14, r: 2.5 }], ['path', { d: 'M9.5 16.5 9 20l2-1 2 1-.5-3.5' }]],
  bell: [['path', { d: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4z' }], ['path', { d: 'M10 20a2 2 0 0 0 4 0' }]],
  check: [['path', { d: 'M5 12l5 5 9-10' }]],
  download: [['path', { d: 'M12 4v11M7 10l5 5 5-5M5 20h14' }]],
};

export function icon(name, size = 20) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.8');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const [tag, attrs] of SHAPES[name] || []) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.append(el);
  }
  return svg;
}
