import { describe, expect, it } from 'vitest';
import { PREVIEW_BYTES, previewCsv } from '../../src/engine/data/preview';
import { videoValBytes } from '../sharedData';

describe('previewCsv', () => {
  it('detects a header row (no numeric cell) and keeps its names', async () => {
    const csv = 'click,like,age,score\n1,0,34,0.5\n0,1,21,1.5\n';
    const p = await previewCsv(new Blob([csv]));
    expect(p.hasHeader).toBe(true);
    expect(p.columns).toEqual(['click', 'like', 'age', 'score']);
    expect(p.rows).toEqual([
      ['1', '0', '34', '0.5'],
      ['0', '1', '21', '1.5'],
    ]);
    expect(p.truncated).toBe(false);
  });

  it('treats a numeric / True-False first row as data and names columns c1…', async () => {
    const csv = '\uFEFFTrue,False,3.5\r\n0,1,2\r\n';
    const p = await previewCsv(new Blob([csv]));
    expect(p.hasHeader).toBe(false);
    expect(p.columns).toEqual(['c1', 'c2', 'c3']);
    expect(p.rows[0]).toEqual(['True', 'False', '3.5']);
  });

  it('limits rows and drops a line cut by the byte limit on a real video file', async () => {
    const text = videoValBytes().toString('utf8');
    const blob = new Blob([text.slice(0, PREVIEW_BYTES * 3)]);
    const p = await previewCsv(blob, 5);
    expect(p.truncated).toBe(true);
    expect(p.rows.length).toBe(5);
    expect(p.columns.length).toBe(501);
    for (const r of p.rows) expect(r.length).toBe(501);
  });
});
