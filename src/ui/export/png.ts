/**
 * PNG export of charts without extra packages: each chart SVG is serialised with its computed
 * styles inlined (CSS classes do not travel into an <img>), drawn on a canvas under a title and a
 * legend drawn here, then canvas.toBlob('image/png') and a download.
 */
import { downloadBlob } from './download';

/** One legend entry drawn above the chart (the on-page legends are HTML, not part of the SVG). */
export interface PngLegendItem {
  label: string;
  color: string;
  /** Drawn as a dashed line sample (e.g. streaming train AUC). */
  dashed?: boolean;
  /** Drawn as a filled square (e.g. a heatmap swatch) instead of a line. */
  swatch?: boolean;
}

/** Style properties that decide how SVG text and shapes look; copied onto every element. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'alignment-baseline',
  'visibility',
  'display',
] as const;

/** The SVGs of a chart container worth exporting: recharts' main surface and our own marked ones. */
export function exportableSvgs(root: Element): SVGSVGElement[] {
  return [...root.querySelectorAll<SVGSVGElement>('.recharts-wrapper > svg, svg[data-export]')];
}

/** Standalone SVG markup of `svg` with computed styles inlined and an explicit size. */
export function serializeSvg(svg: SVGSVGElement): {
  markup: string;
  width: number;
  height: number;
} {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((el, i) => {
    const target = dst[i];
    if (!(target instanceof SVGElement)) return;
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    target.setAttribute('style', style);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.hasAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { markup: new XMLSerializer().serializeToString(clone), width, height };
}

function loadImage(markup: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('Could not render the chart as an image.'));
    // A data: URL keeps the canvas untainted (same origin, no network).
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  });
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new Error('The browser could not encode a PNG.'))),
      'image/png',
    );
  });
}

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/**
 * A white canvas of `width` × `height` CSS pixels (drawn at `scale`× for sharp text) with `title`
 * written at (pad, pad) — the common start of every exported PNG (charts and tables).
 */
export function titledCanvas(
  width: number,
  height: number,
  scale: number,
  title: string,
  pad: number,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('This browser has no 2D canvas.');
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#1d232a';
  ctx.font = `600 18px ${FONT}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, pad, pad);
  return { canvas, ctx };
}
const PAD = 16;

/** Draws a legend row by row inside `width`; returns the height used. */
function drawLegend(
  ctx: CanvasRenderingContext2D | null,
  items: PngLegendItem[],
  x0: number,
  y0: number,
  width: number,
): number {
  const measure = document.createElement('canvas').getContext('2d');
  const m = ctx ?? measure;
  if (m === null || items.length === 0) return 0;
  m.font = `14px ${FONT}`;
  const rowH = 22;
  let x = x0;
  let y = y0;
  for (const it of items) {
    const w = 30 + m.measureText(it.label).width + 18;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += rowH;
    }
    if (ctx) {
      ctx.save();
      ctx.strokeStyle = it.color;
      ctx.fillStyle = it.color;
      if (it.swatch) {
        ctx.fillRect(x, y + 4, 22, 12);
      } else {
        ctx.lineWidth = it.dashed ? 2 : 3;
        ctx.setLineDash(it.dashed ? [5, 4] : []);
        ctx.beginPath();
        ctx.moveTo(x, y + 10);
        ctx.lineTo(x + 22, y + 10);
        ctx.stroke();
      }
      ctx.restore();
      ctx.fillStyle = '#1d232a';
      ctx.textBaseline = 'middle';
      ctx.fillText(it.label, x + 30, y + 10);
    }
    x += w;
  }
  return y - y0 + rowH;
}

/**
 * One PNG from the chart SVGs inside `root`, stacked vertically under `title` and `legend`,
 * on a white background at 2× for a sharp projection. Resolves to the PNG Blob.
 */
export async function renderChartPng(
  root: Element,
  title: string,
  legend: PngLegendItem[] = [],
  scale = 2,
): Promise<Blob> {
  const svgs = exportableSvgs(root).map(serializeSvg);
  if (svgs.length === 0) throw new Error('Nothing to export yet: the chart is empty.');
  const images = await Promise.all(svgs.map((s) => loadImage(s.markup)));
  const measure = document.createElement('canvas').getContext('2d');
  let titleW = 0;
  if (measure !== null) {
    measure.font = `600 18px ${FONT}`;
    titleW = measure.measureText(title).width;
  }
  const width = Math.ceil(Math.max(360, titleW, ...svgs.map((s) => s.width))) + 2 * PAD;
  const titleH = 28;
  const legendH = drawLegend(null, legend, PAD, 0, width - 2 * PAD);
  const chartsH = svgs.reduce((h, s) => h + s.height + 8, 0);
  const height = PAD + titleH + legendH + (legendH > 0 ? 6 : 0) + chartsH + PAD;

  const { canvas, ctx } = titledCanvas(width, height, scale, title, PAD);
  let y = PAD + titleH;
  y += drawLegend(ctx, legend, PAD, y, width - 2 * PAD);
  if (legendH > 0) y += 6;
  images.forEach((img, i) => {
    ctx.drawImage(img, PAD, y, svgs[i].width, svgs[i].height);
    y += svgs[i].height + 8;
  });
  return canvasToPng(canvas);
}

/** renderChartPng, then download it as `filename`. */
export async function saveChartPng(
  root: Element,
  filename: string,
  title: string,
  legend: PngLegendItem[] = [],
): Promise<void> {
  downloadBlob(await renderChartPng(root, title, legend), filename);
}
