/**
 * The engine's must-show figures on the real data (not a test: the data is licensed and lives
 * outside the repository). Run: node --import tsx src-main/engine/testing/figures.ts [dataDir]
 * (default ../shared/data). `npm run bench` reports the same recipes beside PyTorch.
 */
import { join } from 'node:path';
import { readRatingsFile, readTrainValidFiles } from '../../data/import/index.ts';
import { fitEnsemble } from '../train/ensemble.ts';
import { fitToEnd } from '../train/fit.ts';
import { bestDotBias, bestRecipe, excelSolve, fastbookNN, fastbookRecipe, nnRecipe } from '../train/recipes.ts';
import type { TrainConfig } from '../types.ts';

const dataDir = process.argv[2] ?? '../shared/data';
const only = process.argv[3] ?? 'all';
const line = (o: object) => console.log(JSON.stringify(o));

if (only === 'all' || only === 'excel') {
  const { data } = await readRatingsFile(join(dataDir, 'excel/ratings.csv'));
  for (const kind of ['dot', 'dotbias'] as const) {
    const r = await fitToEnd(data, null, excelSolve(kind));
    line({ figure: `excel ${kind}`, trainRmse: r.final.trainRmse, trainSeconds: r.trainSeconds, setupSeconds: r.setupSeconds });
  }
}

const splits = [['random', 'train.csv', 'valid.csv'], ['u1', 'u1.train.csv', 'u1.valid.csv']] as const;
if (only === 'all' || only === 'ml-100k') {
  for (const [split, trainFile, validFile] of splits) {
    const { train, valid } = await readTrainValidFiles(join(dataDir, 'ml-100k', trainFile), join(dataDir, 'ml-100k', validFile));
    const runs: [string, TrainConfig][] = [
      ['fastbook dotbias bs 1024', fastbookRecipe(1024)],
      ['fastbook dotbias bs 64', fastbookRecipe(64)],
      ['best single dotbias', bestDotBias()],
      ['fastbook CollabNN bs 64', fastbookNN(64)],
      ['our CollabNN (nnRecipe)', nnRecipe()],
    ];
    for (const [figure, config] of runs) {
      const r = await fitToEnd(train, valid, config);
      line({ figure, split, validRmse: r.final.validRmse, trainRmse: r.final.trainRmse, trainSeconds: r.trainSeconds, epochSeconds: r.epochs.map((m) => +m.seconds.toFixed(3)) });
    }
    const best = await fitEnsemble(train, valid, bestRecipe());
    line({ figure: 'our best: ensemble (bestRecipe)', split, validRmse: best.validRmse, trainRmse: best.trainRmse, trainSeconds: best.trainSeconds, memberValidRmse: best.members.map((m) => m.validRmse) });
  }
}
