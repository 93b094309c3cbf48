/**
 * Draws a table onto a canvas (no html2canvas): header row, zebra rows, right-aligned numbers,
 * bold highlighted cells. Used for the comparison board's "Save as PNG".
 */
import { canvasToPng, FONT, titledCanvas } from './png';

export interface CanvasTable {
  title: string;
  headers: string[];
  align: ('left' | 'right')[];
  rows: string[][];
  /** bold[r][c]: draw this cell bold (e.g. the best test AUC of a task). */
  bold?: boolean[][];
  /** Optional colour per header (e.g. a task's colour on its AUC column). */
  headerColors?: (string | undefined)[];
}

export async function renderTablePng(t: CanvasTable, scale = 2): Promise<Blob> {
  const pad = 16;
  const cellPadX = 10;
  const rowH = 28;
  const titleH = 32;
  const measure = document.createElement('canvas').getContext('2d');
  if (measure === null) throw new Error('This browser has no 2D canvas.');
  const widths = t.headers.map((h, c) => {
    measure.font = `600 14px ${FONT}`;
    let w = measure.measureText(h).width;
    measure.font = `14px ${FONT}`;
    for (const row of t.rows) w = Math.max(w, measure.measureText(row[c] ?? '').width);
    return Math.ceil(w) + 2 * cellPadX;
  });
  const tableW = widths.reduce((a, b) => a + b, 0);
  const width = Math.max(tableW, 320) + 2 * pad;
  const height = pad + titleH + rowH * (t.rows.length + 1) + pad;

  const { canvas, ctx } = titledCanvas(width, height, scale, t.title, pad);

  const top = pad + titleH;
  ctx.fillStyle = '#eef1f4';
  ctx.fillRect(pad, top, tableW, rowH);
  t.rows.forEach((_, r) => {
    if (r % 2 === 1) {
      ctx.fillStyle = '#f7f8fa';
      ctx.fillRect(pad, top + rowH * (r + 1), tableW, rowH);
    }
  });
  ctx.textBaseline = 'middle';
  const drawRow = (cells: string[], y: number, header: boolean, r: number) => {
    let x = pad;
    cells.forEach((text, c) => {
      const bold = header || (t.bold?.[r]?.[c] ?? false);
      ctx.font = `${bold ? '600 ' : ''}14px ${FONT}`;
      ctx.fillStyle = header ? (t.headerColors?.[c] ?? '#1d232a') : '#1d232a';
      const right = t.align[c] === 'right';
      ctx.textAlign = right ? 'right' : 'left';
      ctx.fillText(text, right ? x + widths[c] - cellPadX : x + cellPadX, y + rowH / 2);
      x += widths[c];
    });
  };
  drawRow(t.headers, top, true, -1);
  t.rows.forEach((row, r) => drawRow(row, top + rowH * (r + 1), false, r));
  ctx.strokeStyle = '#c9d0d7';
  ctx.lineWidth = 1;
  for (let r = 0; r <= t.rows.length + 1; r++) {
    const y = Math.round(top + rowH * r) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad, y);
    ctx.lineTo(pad + tableW, y);
    ctx.stroke();
  }
  return canvasToPng(canvas);
}
