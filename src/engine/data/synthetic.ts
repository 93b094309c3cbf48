/**
 * Built-in seeded data generators: same options + seed ⇒ identical arrays.
 *
 * - generateCorrelated: the synthetic two-task regression of the MMoE paper, binarised by a
 *   Bernoulli draw with the target as logit, for
 *   showing how task correlation changes what multi-task models gain.
 * - generateShortVideo: a small short-video log (users × videos) with completion/like labels
 *   that depend on the emitted features, for a quick demo without uploading a file.
 */
import { mulberry32, normal, randomInt } from './random';
import type { CategoricalColumn, Dataset, FeatureColumn } from './types';

export interface CorrelatedOptions {
  rows: number;
  /** Task correlation ρ ∈ [0, 1] (cosine between the two tasks' weight vectors). */
  correlation: number;
  seed: number;
  /** Input dimension d (default 100, as in the paper). */
  numFeatures?: number;
}

/** The continuous version: features [F][rows] and the two regression targets [2][rows]. */
export interface CorrelatedRegression {
  features: Float32Array[];
  targets: [Float64Array, Float64Array];
}

/** Number of sine terms m in the MMoE paper's generator. */
const NUM_SINES = 10;
/** Scale constant c of the weight vectors. */
const WEIGHT_SCALE = 1;
/** α_j, β_j and ε are drawn from N(0, 0.01), i.e. standard deviation 0.1. */
const PAPER_STD = 0.1;

function checkRows(rows: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be ≥ 1, got ${rows}.`);
}

/**
 * Synthetic data of Ma et al., "Modeling Task Relationships in Multi-task Learning with
 * Multi-gate Mixture-of-Experts", KDD 2018, §4.2: two orthogonal unit vectors u1, u2 ∈ R^d;
 * w1 = c·u1, w2 = c·(ρ·u1 + √(1−ρ²)·u2); x ~ N(0, I_d);
 * y_i = w_iᵀx + Σ_{j=1..m} sin(α_j·w_iᵀx + β_j) + ε_i with m = 10 and α_j, β_j, ε_i ~ N(0, 0.01)
 * (α, β shared by both tasks). ρ is the cosine of w1 and w2, which sets the label correlation.
 */
export function correlatedRegression(opts: CorrelatedOptions): CorrelatedRegression {
  const { rows, correlation: rho, seed } = opts;
  const d = opts.numFeatures ?? 100;
  checkRows(rows);
  if (!(rho >= 0 && rho <= 1)) throw new RangeError(`correlation must be in [0, 1], got ${rho}.`);
  if (!Number.isInteger(d) || d < 2) throw new RangeError(`numFeatures must be ≥ 2, got ${d}.`);
  const rng = mulberry32(seed);

  // Two orthonormal vectors by Gram–Schmidt on Gaussian draws.
  const u1 = Float64Array.from({ length: d }, () => normal(rng));
  const u2 = Float64Array.from({ length: d }, () => normal(rng));
  const norm = (v: Float64Array): void => {
    const n = Math.hypot(...v);
    for (let i = 0; i < d; i++) v[i] /= n;
  };
  norm(u1);
  let dot = 0;
  for (let i = 0; i < d; i++) dot += u1[i] * u2[i];
  for (let i = 0; i < d; i++) u2[i] -= dot * u1[i];
  norm(u2);
  const s = Math.sqrt(1 - rho * rho);
  const w1 = u1.map((v) => WEIGHT_SCALE * v);
  const w2 = u1.map((v, i) => WEIGHT_SCALE * (rho * v + s * u2[i]));
  const alpha = Array.from({ length: NUM_SINES }, () => PAPER_STD * normal(rng));
  const beta = Array.from({ length: NUM_SINES }, () => PAPER_STD * normal(rng));

  const features = Array.from({ length: d }, () => new Float32Array(rows));
  const y1 = new Float64Array(rows);
  const y2 = new Float64Array(rows);
  const x = new Float64Array(d);
  const target = (z: number, eps: number): number => {
    let y = z + eps;
    for (let j = 0; j < NUM_SINES; j++) y += Math.sin(alpha[j] * z + beta[j]);
    return y;
  };
  for (let r = 0; r < rows; r++) {
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < d; i++) {
      // The model sees float32 features: compute the targets from the same rounded values.
      x[i] = Math.fround(normal(rng));
      features[i][r] = x[i];
      z1 += w1[i] * x[i];
      z2 += w2[i] * x[i];
    }
    y1[r] = target(z1, PAPER_STD * normal(rng));
    y2[r] = target(z2, PAPER_STD * normal(rng));
  }
  return { features, targets: [y1, y2] };
}

/**
 * Binary labels from a regression target: label ~ Bernoulli(sigmoid(y)), i.e. the paper's target
 * taken as the logit of a logistic model — the binary counterpart of its Gaussian-noise
 * regression, with no extra scale constant. Unlike a cut at the median (labels an almost
 * noise-free function of x, test AUC ≈ 0.99 for any model), this keeps label noise, so the
 * models' losses and AUCs have room to differ. The draws come from their own stream seeded
 * from `seed`, so the features and regression targets do not change with the labelling.
 */
function bernoulliLabels(targets: Float64Array[], seed: number): Uint8Array[] {
  const rng = mulberry32((seed ^ 0x9e3779b9) >>> 0);
  const labels = targets.map((y) => new Uint8Array(y.length));
  for (let r = 0; r < labels[0].length; r++)
    for (let t = 0; t < labels.length; t++)
      labels[t][r] = rng() < 1 / (1 + Math.exp(-targets[t][r])) ? 1 : 0;
  return labels;
}

/** The MMoE paper's synthetic data (see correlatedRegression), labels ~ Bernoulli(sigmoid(y)). */
export function generateCorrelated(opts: CorrelatedOptions): Dataset {
  const { features, targets } = correlatedRegression(opts);
  return {
    numRows: opts.rows,
    taskNames: ['task_a', 'task_b'],
    labels: bernoulliLabels(targets, opts.seed),
    features: features.map((values, i) => ({ name: `x${i + 1}`, kind: 'float', values })),
  };
}

// ---------------------------------------------------------------------------------------------
// Short-video log

export interface ShortVideoOptions {
  rows: number;
  seed: number;
  /** Distinct users (default 2000). */
  numUsers?: number;
  /** Distinct videos (default 1000). */
  numVideos?: number;
  /**
   * Add the categorical columns user_id, video_id, author_id, category (after the 28 features,
   * declared in Dataset.categorical). Default false: the 28-column layout.
   */
  withIds?: boolean;
  /** Add a third label `share` (≈ 3 %), driven by hidden per-user and per-author propensities. */
  withShare?: boolean;
}

export const SHORT_VIDEO_CATEGORIES = [
  'comedy',
  'music',
  'food',
  'sports',
  'gaming',
  'pets',
  'travel',
  'education',
] as const;
const DEVICES = ['ios', 'android', 'web'] as const;
/** Latent dimension of user interests and video topics. */
const LATENT = 8;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * A short-video impression log. Users have latent interests, videos a category and a latent
 * topic; their affinity (a dot product) drives both labels but is hidden — the model sees
 * observable proxies: the user's share of views in the video's category, a noisy "similar
 * videos" score, follows-creator, historical rates, duration, context (hour, weekend, wifi,
 * device) and the category one-hot. Completion is likelier for short, good, well-matched
 * videos (≈ 39 % overall); likes come mostly after a completed view (≈ 6 % overall).
 * Features: 14 numeric + 14 binary = 28 columns.
 *
 * Options `withIds` / `withShare` add the id columns and a `share` label. Their randomness comes
 * from a second generator, so the default data stays identical. Sharing depends on a hidden
 * per-user and per-author propensity (reachable only through the user_id / author_id
 * embeddings), on the affinity and on the like: a task where the ids carry signal.
 */
export function generateShortVideo(opts: ShortVideoOptions): Dataset {
  const { rows, seed } = opts;
  const numUsers = opts.numUsers ?? 2000;
  const numVideos = opts.numVideos ?? 1000;
  checkRows(rows);
  if (!(numUsers >= 1 && numVideos >= 1))
    throw new RangeError('numUsers and numVideos must be ≥ 1.');
  const rng = mulberry32(seed);
  // The optional parts draw from their own stream: the default data never changes.
  const extra = mulberry32((seed ^ 0x5bd1e995) >>> 0);
  const gauss = (): number => normal(rng);
  const C = SHORT_VIDEO_CATEGORIES.length;
  const inv = 1 / Math.sqrt(LATENT);

  const catEmb = Array.from({ length: C }, () => Float64Array.from({ length: LATENT }, gauss));

  const users = Array.from({ length: numUsers }, () => {
    const interest = Float64Array.from({ length: LATENT }, gauss);
    // Category preference = softmax of interest·category: the observable view history.
    const logits = catEmb.map((e) => e.reduce((acc, v, k) => acc + v * interest[k], 0) * inv);
    const mx = Math.max(...logits);
    const ex = logits.map((l) => Math.exp(l - mx));
    const sum = ex.reduce((a, b) => a + b, 0);
    const completionBias = 0.5 * gauss();
    const likeBias = 0.6 * gauss();
    const u = rng();
    return {
      interest,
      catShare: ex.map((e) => e / sum),
      completionBias,
      likeBias,
      activity: Math.exp(1.5 + 0.8 * gauss()), // views per day
      age: Math.round(clamp(30 + 10 * gauss(), 13, 70)),
      device: u < 0.45 ? 0 : u < 0.9 ? 1 : 2,
      histCompletion: clamp(sigmoid(-0.5 + completionBias + 0.2 * gauss()), 0, 1),
      histLike: clamp(sigmoid(-3 + likeBias + 0.3 * gauss()), 0, 1),
    };
  });

  const videos = Array.from({ length: numVideos }, () => {
    const category = randomInt(rng, C);
    const topic = Float64Array.from(
      { length: LATENT },
      (_, k) => 0.7 * catEmb[category][k] + 0.7 * gauss(),
    );
    const quality = gauss();
    const duration = Math.round(clamp(Math.exp(3.4 + 0.8 * gauss()), 5, 600)); // seconds
    const followers = Math.round(Math.exp(8 + 2 * gauss()));
    return {
      category,
      topic,
      quality,
      duration,
      followers,
      ageDays: Math.round(Math.exp(2 + 1.2 * gauss())),
      // Observed aggregates of past views: noisy functions of the hidden quality.
      histCompletion: clamp(
        sigmoid(-0.4 + 0.5 * quality - 0.9 * Math.log(duration / 30)) + 0.05 * gauss(),
        0,
        1,
      ),
      histLike: clamp(
        sigmoid(-3 + 0.5 * quality + 0.1 * Math.log(followers)) + 0.01 * gauss(),
        0,
        1,
      ),
    };
  });

  const numAuthors = Math.max(1, Math.round(numVideos / 5));
  const authorOf = Uint32Array.from({ length: numVideos }, () => randomInt(extra, numAuthors));
  const authorShare = Float64Array.from({ length: numAuthors }, () => normal(extra));
  const userShare = Float64Array.from({ length: numUsers }, () => normal(extra));
  const ids = opts.withIds
    ? {
        user: new Float32Array(rows),
        video: new Float32Array(rows),
        author: new Float32Array(rows),
        category: new Float32Array(rows),
      }
    : null;
  const share = opts.withShare ? new Uint8Array(rows) : null;

  const numeric = [
    'video_duration_s',
    'video_age_days',
    'creator_followers',
    'video_hist_completion_rate',
    'video_hist_like_rate',
    'user_daily_views',
    'user_age',
    'user_hist_completion_rate',
    'user_hist_like_rate',
    'user_category_share',
    'similar_videos_score',
    'hour_of_day',
    'session_position',
    'video_resolution_p',
  ];
  const binary = [
    'is_weekend',
    'on_wifi',
    'follows_creator',
    ...DEVICES.map((d) => `device_${d}`),
    ...SHORT_VIDEO_CATEGORIES.map((c) => `category_${c}`),
  ];
  const num = numeric.map(() => new Float32Array(rows));
  const bin = binary.map(() => new Uint8Array(rows));
  const completion = new Uint8Array(rows);
  const like = new Uint8Array(rows);
  const RESOLUTIONS = [360, 480, 720, 1080];

  for (let r = 0; r < rows; r++) {
    const userIndex = randomInt(rng, numUsers);
    const videoIndex = randomInt(rng, numVideos);
    const user = users[userIndex];
    const video = videos[videoIndex];
    let dot = 0;
    for (let k = 0; k < LATENT; k++) dot += user.interest[k] * video.topic[k];
    const affinity = dot * inv;
    // Evening peak: hours drawn around 20:00.
    const hour = (Math.round(20 + 5 * gauss()) + 48) % 24;
    const weekend = rng() < 2 / 7 ? 1 : 0;
    const wifi = rng() < 0.6 ? 1 : 0;
    const follows = rng() < sigmoid(-2.5 + 1.2 * affinity) ? 1 : 0;
    const sessionPos = Math.floor(-Math.log(1 - rng()) * 8);
    const resolution = RESOLUTIONS[wifi ? 2 + randomInt(rng, 2) : randomInt(rng, 3)];

    const zComplete =
      -0.75 +
      1.0 * affinity +
      0.5 * video.quality -
      0.9 * Math.log(video.duration / 30) +
      user.completionBias +
      0.3 * wifi +
      0.6 * follows -
      0.02 * sessionPos +
      (hour >= 19 && hour <= 23 ? 0.15 : 0);
    const completed = rng() < sigmoid(zComplete) ? 1 : 0;
    const zLike = completed
      ? -2.9 + 0.9 * affinity + 0.4 * video.quality + user.likeBias + 0.8 * follows
      : -6 + 0.9 * affinity + user.likeBias;
    completion[r] = completed;
    like[r] = rng() < sigmoid(zLike) ? 1 : 0;

    const n = [
      video.duration,
      video.ageDays,
      video.followers,
      video.histCompletion,
      video.histLike,
      user.activity,
      user.age,
      user.histCompletion,
      user.histLike,
      user.catShare[video.category],
      affinity + 0.7 * gauss(),
      hour,
      sessionPos,
      resolution,
    ];
    for (let f = 0; f < n.length; f++) num[f][r] = n[f];
    bin[0][r] = weekend;
    bin[1][r] = wifi;
    bin[2][r] = follows;
    bin[3 + user.device][r] = 1;
    bin[3 + DEVICES.length + video.category][r] = 1;
    const author = authorOf[videoIndex];
    if (ids) {
      // Ids are 1-based: 0 is kept for values outside a vocabulary.
      ids.user[r] = userIndex + 1;
      ids.video[r] = videoIndex + 1;
      ids.author[r] = author + 1;
      ids.category[r] = video.category + 1;
    }
    if (share) {
      const zShare =
        -4.2 +
        1.2 * userShare[userIndex] +
        0.9 * authorShare[author] +
        0.5 * affinity +
        1.5 * like[r];
      share[r] = extra() < sigmoid(zShare) ? 1 : 0;
    }
  }

  const features: FeatureColumn[] = [
    ...numeric.map((name, f): FeatureColumn => ({ name, kind: 'float', values: num[f] })),
    ...binary.map((name, f): FeatureColumn => ({ name, kind: 'binary', values: bin[f] })),
  ];
  const taskNames = share ? ['completion', 'like', 'share'] : ['completion', 'like'];
  const labels = share ? [completion, like, share] : [completion, like];
  if (!ids) return { numRows: rows, taskNames, labels, features };
  const idColumns: [string, Float32Array, string[]][] = [
    ['user_id', ids.user, Array.from({ length: numUsers }, (_, i) => `u${i + 1}`)],
    ['video_id', ids.video, Array.from({ length: numVideos }, (_, i) => `v${i + 1}`)],
    ['author_id', ids.author, Array.from({ length: numAuthors }, (_, i) => `a${i + 1}`)],
    ['category', ids.category, [...SHORT_VIDEO_CATEGORIES]],
  ];
  const categorical = idColumns.map(([name], k): CategoricalColumn => ({
    feature: features.length + k,
    name,
    tokens: idColumns[k][2],
  }));
  for (const [name, values] of idColumns) features.push({ name, kind: 'float', values });
  return { numRows: rows, taskNames, labels, features, categorical };
}
