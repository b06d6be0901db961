import { ratingValueProblem } from '../data/rating-value.ts';
import type { RatingScale } from './contract.ts';
import { UserError } from './user-error.ts';

/** Refuses a rating outside the sheet's scale (or too large to store), with the message the user sees. */
export function checkRating(rating: number, scale: RatingScale, where: string): number {
  const problem = ratingValueProblem(rating);
  if (problem) throw new UserError(`${where}: rating ${rating} ${problem}`);
  if (rating < scale.lo || rating > scale.hi) {
    throw new UserError(`${where}: ${rating} is outside the sheet's rating scale ${scale.lo}–${scale.hi}`);
  }
  return rating;
}
