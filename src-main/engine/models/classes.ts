/**
 * Ratings as classes: the EmbeddingNN body with one logit per distinct rating value, trained with
 * softmax cross-entropy. The prediction is the expected rating Σ p(value)·value, so RMSE is
 * comparable with the regression models.
 */
import { ops, probabilities, rowDot, softmaxCrossEntropy } from '../graph/index.ts';
import type { ModelDefinition } from './builder.ts';
import { type NNOptions, lastWidth, linearLayer, nnBody } from './embedding-nn.ts';

/** The distinct rating values, ascending: the classes. */
export function ratingClasses(ratings: Float32Array): number[] {
  return [...new Set(ratings)].sort((a, b) => a - b);
}

export function ratingClassesModel(o: NNOptions, classes: readonly number[]): ModelDefinition {
  if (classes.length < 2) throw new Error(`ratings as classes needs at least 2 distinct ratings, found ${classes.length}`);
  return {
    forward(b) {
      const g = b.graph;
      const logits = linearLayer(b, 'head', nnBody(b, o), lastWidth(o), classes.length);
      const values = g.constant(g.float, [1, classes.length], classes);
      const prediction = rowDot(probabilities(logits), values);
      const loss = () => {
        // One-hot targets by exact comparison: rating values are read as float32, as the classes were.
        const onehot = ops.cast(ops.equal(ops.unsqueeze(b.ratings, [1]), values), g.float);
        return softmaxCrossEntropy(logits, onehot);
      };
      return { prediction, loss };
    },
  };
}
