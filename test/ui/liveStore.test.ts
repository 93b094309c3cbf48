import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from '../../src/engine/train/types';
import { FLUSH_INTERVAL_MS, LiveStore } from '../../src/ui/state/live';

const progress = (step: number): ProgressEvent => ({
  epoch: 1,
  step,
  stepsPerEpoch: 100,
  samplesPerSec: 1000,
  loss: [0.5, 0.6],
  trainAuc: [0.6 + step / 1000, 0.55],
});

describe('LiveStore: the first AUC points of a run', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('publishes a run’s first two batches at once and to every view, later ones batched', () => {
    const live = new LiveStore();
    live.reset(['a', 'b']);
    let publications = 0;
    live.subscribe(() => publications++);
    const points = () => live.getSnapshot().series.trainAuc[0]!.length;

    live.addProgress(progress(1));
    vi.advanceTimersByTime(0);
    expect(publications).toBe(1);
    expect(points()).toBe(1);
    // Forced: every chart slot renders it, not only the one whose turn it is.
    for (let slot = 0; slot < 3; slot++) expect(live.isDue(slot, 3)).toBe(true);

    live.addProgress(progress(2));
    vi.advanceTimersByTime(0);
    expect(publications).toBe(2);
    // Two points: the first AUC line segment can be drawn.
    expect(points()).toBe(2);
    for (let slot = 0; slot < 3; slot++) expect(live.isDue(slot, 3)).toBe(true);

    // From then on events are batched: nothing before the flush interval, then one publication.
    live.addProgress(progress(3));
    live.addProgress(progress(4));
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1);
    expect(publications).toBe(2);
    vi.advanceTimersByTime(1);
    expect(publications).toBe(3);
    expect(points()).toBe(4);
    expect([0, 1, 2].filter((slot) => live.isDue(slot, 3))).toHaveLength(1);

    // A new run starts fast again.
    live.reset(['a', 'b']);
    const afterReset = publications;
    live.addProgress(progress(1));
    vi.advanceTimersByTime(0);
    expect(publications).toBe(afterReset + 1);
  });
});
