/**
 * A train file and a separate validation file are read independently, so their dense codes
 * disagree. The model needs one coding: like fastai's CollabDataLoaders (whose vocabulary spans
 * train and valid), users and items seen only in validation get rows of their own after the
 * training ones — they keep their initial values, so predictions for them are honest cold starts.
 */
import type { RatingsDataset } from '../data/dataset.ts';

export interface SharedIds {
  train: RatingsDataset;
  valid: RatingsDataset;
  /** Validation users / items absent from training. */
  coldUsers: number;
  coldItems: number;
}

function recode(trainIds: string[], validIds: string[]): { ids: string[]; map: Int32Array; cold: number } {
  const code = new Map<string, number>();
  trainIds.forEach((id, i) => code.set(id, i));
  const ids = trainIds.slice();
  const map = new Int32Array(validIds.length);
  validIds.forEach((id, i) => {
    let c = code.get(id);
    if (c === undefined) {
      c = ids.length;
      ids.push(id);
      code.set(id, c);
    }
    map[i] = c;
  });
  return { ids, map, cold: ids.length - trainIds.length };
}

export function shareIds(train: RatingsDataset, valid: RatingsDataset): SharedIds {
  const users = recode(train.userIds, valid.userIds);
  const items = recode(train.itemIds, valid.itemIds);
  const vUsers = valid.users.map((u) => users.map[u]);
  const vItems = valid.items.map((i) => items.map[i]);
  // Titles come with the training file only (a ratings file seldom has them at all).
  const titles = train.itemTitles && [...train.itemTitles, ...new Array<undefined>(items.cold)];
  return {
    train: { ...train, userIds: users.ids, itemIds: items.ids, itemTitles: titles },
    valid: { ...valid, users: vUsers, items: vItems, userIds: users.ids, itemIds: items.ids, itemTitles: titles },
    coldUsers: users.cold,
    coldItems: items.cold,
  };
}
