/**
 * Feature effects (issue 15 item 4: "the effect of each feature: valid RMSE with and without
 * it"): the sheet's neural model trained a few epochs with every used feature, then once without
 * each — the CLI's `train --without-features`, on the sheet's own split, in the training worker.
 * Each finished run joins the Runs list as it ends; Stop ends the queue between batches and
 * keeps the runs finished.
 */
import { trainRun } from '../../engine/experiments/run.ts';
import { type ModelFeatures, usesSideFeatures } from '../../engine/models/index.ts';
import type { SheetFeatureInfo } from '../data-contract.ts';
import type { FeatureEffectsAnswer, FeatureEffectsProgress, FeatureRun } from '../insight-contract.ts';
import type { ValidArgs } from '../contract.ts';
import { UserError } from '../user-error.ts';
import { type ExperimentHost, keep, validOf } from './experiments.ts';

export interface FeatureRunHost extends ExperimentHost {
  /** The features the model uses now. */
  usedFeatures(): SheetFeatureInfo[];
  /** The model's feature tables without those `keys` name (and those the settings leave out). */
  featuresWithout(keys: readonly string[]): ModelFeatures | undefined;
  featureProgress(p: FeatureEffectsProgress): void;
}

const sideWord = (side: 'user' | 'item') => (side === 'item' ? 'movie' : 'user');

export async function featureEffectRuns(host: FeatureRunHost, args: ValidArgs<'featureEffects'>): Promise<FeatureEffectsAnswer> {
  const { train, valid, config, split } = host.sheet();
  const used = host.usedFeatures();
  if (!usesSideFeatures(config.model.kind) || used.length === 0) {
    const why = usesSideFeatures(config.model.kind) ? 'this sheet has no features the model uses' : `the ${config.model.kind} model uses none`;
    throw new UserError(`Feature effects compares the model with and without each side feature, but ${why}: import movie or user features with the ratings (MovieLens u.item, u.user, or any CSV keyed by id) and choose the neural model`);
  }
  const judged = validOf(valid, 'Feature effects');
  const settings = { ...config, epochs: args.epochs };
  const plan = [
    { feature: null, label: 'with every feature' },
    ...used.map((f) => ({ feature: f, label: `without ${sideWord(f.side)} ${f.name}` })),
  ];
  const started = performance.now();
  const answer: FeatureEffectsAnswer = { epochs: args.epochs, withAll: null, without: [], cancelled: false };
  for (const [i, step] of plan.entries()) {
    host.featureProgress({ done: i, total: plan.length, next: step.label, elapsedSeconds: (performance.now() - started) / 1000 });
    if (host.cancel.aborted) {
      answer.cancelled = true;
      break;
    }
    const trained = await trainRun(train, judged, settings, {
      id: `f${i}`,
      label: step.label,
      shouldStop: () => host.cancel.aborted,
      keepParams: true,
      features: host.featuresWithout(step.feature ? [step.feature.key] : []),
    });
    if (trained.run.stopped?.kind === 'cancelled') {
      answer.cancelled = true; // a run cut short says nothing of its feature
      break;
    }
    const run: FeatureRun = { runId: keep(host, trained, `features: ${step.label}`, split), validRmse: trained.run.validRmse };
    if (!step.feature) answer.withAll = run;
    else {
      const change = run.validRmse !== null && answer.withAll?.validRmse != null ? run.validRmse - answer.withAll.validRmse : null;
      answer.without.push({ ...run, key: step.feature.key, side: step.feature.side, name: step.feature.name, change });
    }
  }
  host.featureProgress({ done: answer.without.length + (answer.withAll ? 1 : 0), total: plan.length, next: null, elapsedSeconds: (performance.now() - started) / 1000 });
  return answer;
}
