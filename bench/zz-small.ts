import { randomSplit } from '../src-main/data/split.ts';
import { generatePlanted } from '../src-main/data/synthetic.ts';
import { FUSED_DEFAULTS, trainFused } from '../src-main/engine/fused/index.ts';
for (const [users, items] of [[3000, 1500], [160000, 59000]]) {
  const { data } = generatePlanted({ users, items, ratings: 3_000_000, rank: 4, noise: 0.5, seed: 3, factorStd: 0.5, biasStd: 0.3 });
  const { train, valid } = randomSplit(data, 0.1, 3);
  const r = await trainFused(train, valid, { ...FUSED_DEFAULTS, factors: 50, epochs: 4, seed: 1, workers: 1 });
  const per = r.history.slice(1).map((h) => h.seconds);
  console.log(users, items, 'per epoch', per.map((s) => s.toFixed(3)).join(' '), 'ns/rating', (1e9 * Math.min(...per) / train.ratings.length).toFixed(1));
}
