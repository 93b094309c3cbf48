/**
 * The live state of the current training run (curves, gates, latest progress, epoch log), kept
 * outside React state: the worker's events are buffered and published at most every
 * FLUSH_INTERVAL_MS, and only the components that show them subscribe (useSyncExternalStore),
 * so the rest of the page does not re-render while training — the main thread stays free.
 */
import { startTransition, useEffect, useState } from 'react';
import type { EpochEvent, ProgressEvent } from '../../engine/train/types';
import { addEpoch, addProgress, emptySeries } from './series';
import type { GateLayout, LiveGates, LiveSeries } from './types';

/** Delay between the slots of a forced publication (see useLiveSnapshot). */
const STAGGER_MS = 80;

/** Buffered events are published at most this often. */
export const FLUSH_INTERVAL_MS = 400;

export interface LiveSnapshot {
  series: LiveSeries;
  gates: LiveGates | null;
  /** Gate layout of the current model (empty for gateless models). */
  gateLayout: GateLayout[];
  progress: ProgressEvent | null;
  epochs: EpochEvent[];
}

export class LiveStore {
  private snap: LiveSnapshot = {
    series: emptySeries([]),
    gates: null,
    gateLayout: [],
    progress: null,
    epochs: [],
  };
  private readonly listeners = new Set<() => void>();
  private pending: ({ kind: 'progress'; e: ProgressEvent } | { kind: 'epoch'; e: EpochEvent })[] =
    [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Publications so far; subscribers in slot k of n take those with seq % n === k. */
  private seq = 0;
  /** The latest publication must reach every subscriber (reset, end of a run or step). */
  private forced = true;
  /** Publications left that skip the batching delay (reset for each run). */
  private fastPublications = 2;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.snap;

  /** Clears everything for a new run (or new data) with these tasks. */
  reset(taskNames: readonly string[], gateLayout: GateLayout[] = []): void {
    this.cancel();
    this.fastPublications = 2;
    this.publish({
      series: emptySeries(taskNames),
      gates: null,
      gateLayout,
      progress: null,
      epochs: [],
    });
  }

  addProgress(e: ProgressEvent): void {
    this.pending.push({ kind: 'progress', e });
    this.schedule();
  }

  addEpoch(e: EpochEvent): void {
    this.pending.push({ kind: 'epoch', e });
    this.schedule();
  }

  /** Publishes buffered events now, to every subscriber (e.g. when a run or a step ends). */
  flush(): void {
    this.publishBuffered(true);
  }

  /** Whether a subscriber in `slot` of `slots` should render the latest publication. */
  isDue(slot: number, slots: number): boolean {
    return this.forced || this.seq % slots === slot;
  }

  private publishBuffered(forced: boolean): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) {
      if (forced && !this.forced) this.publish(this.snap, true);
      return;
    }
    const events = this.pending;
    this.pending = [];
    let { series, gates, progress, epochs } = this.snap;
    const newEpochs: EpochEvent[] = [];
    for (const ev of events) {
      if (ev.kind === 'progress') {
        series = addProgress(series, ev.e);
        progress = ev.e;
        const g = ev.e.gates;
        if (g !== undefined && g.length > 0) gates = { layout: this.snap.gateLayout, weights: g };
      } else {
        series = addEpoch(series, ev.e);
        newEpochs.push(ev.e);
      }
    }
    if (newEpochs.length > 0) epochs = [...epochs, ...newEpochs];
    this.publish({ ...this.snap, series, gates, progress, epochs }, forced);
  }

  private schedule(): void {
    if (this.timer === null) {
      // A run's first two publications (its first AUC line segment) go out at once and to every
      // view (forced: not only to the slot whose turn it is), so the chart shows a curve right
      // after Train; later events are batched.
      const fast = this.fastPublications > 0;
      if (fast) this.fastPublications--;
      this.timer = setTimeout(() => this.publishBuffered(fast), fast ? 0 : FLUSH_INTERVAL_MS);
    }
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }

  private publish(s: LiveSnapshot, forced = true): void {
    this.snap = s;
    this.seq++;
    this.forced = forced;
    for (const l of this.listeners) l();
  }
}

/**
 * The live snapshot for a component; with `slots` > 1 it takes only every slots-th publication
 * (plus forced ones), so several charts subscribed in different slots render in different tasks
 * instead of one long one. Updates are rendered as transitions: React renders them in
 * small time slices and yields to input in between, so a chart update never blocks the page for
 * long (useSyncExternalStore would render them synchronously in one task).
 */
export function useLiveSnapshot(live: LiveStore, slot = 0, slots = 1): LiveSnapshot {
  const [snap, setSnap] = useState(live.getSnapshot);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => startTransition(() => setSnap(live.getSnapshot()));
    const unsubscribe = live.subscribe(() => {
      if (!live.isDue(slot, slots)) return;
      // A forced publication reaches every slot: later slots render a little later, in tasks
      // of their own, instead of all charts in one.
      if (slot === 0) update();
      else if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          update();
        }, slot * STAGGER_MS);
      }
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [live, slot, slots]);
  return snap;
}
