/**
 * What a number must be to be a rating: ratings are stored as float32 and squared in the loss,
 * so a value that is finite as a JS number (1e39, 1e308) can still become Infinity in the
 * Float32Array, or overflow the squared error, and the sheet would show RMSE null and Solve blame
 * the learning rate. Every place ratings enter (the importer, sheet files, projects, workbooks,
 * edits) refuses such values with this one rule.
 */

/**
 * The largest rating magnitude accepted. Far above any rating scale (stars, 0–100 scores, play
 * counts), and small enough that a squared error (≤ (2·10⁶)² = 4·10¹²) summed over 50M ratings
 * stays finite in float32 (max ≈ 3.4·10³⁸).
 */
export const MAX_RATING_MAGNITUDE = 1_000_000;

/** Finite once stored in a Float32Array (1e39 is a finite double but Infinity as a float). */
export const isFiniteFloat32 = (x: number): boolean => Number.isFinite(Math.fround(x));

/**
 * Why `x` cannot be a rating, as the end of a sentence that starts with the rating ("rating 1e39
 * " + "is too large …"), or null when it can.
 */
export function ratingValueProblem(x: number): string | null {
  if (Number.isNaN(x)) return 'is not a number';
  // The bound implies a finite float32 (and refuses ±Infinity, which JSON.parse gives for 1e309).
  if (Math.abs(x) > MAX_RATING_MAGNITUDE) return `is too large (ratings must lie within ±${MAX_RATING_MAGNITUDE.toLocaleString('en-US')})`;
  return null;
}
