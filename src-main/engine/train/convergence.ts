/**
 * When a full-batch Solve has converged: Excel Solver's rule (GRG Nonlinear's "Convergence"
 * option: stop when the objective's relative change stays below the tolerance for the last five
 * iterations), applied to the train RMSE the sheet shows, with a tighter tolerance than Solver's
 * default 1e-4 so that the RMSE a converged Solve ends at matches a run of every epoch to 1e-4.
 * Measured on the workbook: flat by epoch ~30 of 200 (issue 16 item 4).
 */
export const CONVERGENCE = {
  /** Relative change of the train RMSE between two epochs that counts as "no change". */
  tolerance: 1e-6,
  /** How many epochs in a row must change less than the tolerance. */
  epochs: 5,
} as const;

export class ConvergenceWatch {
  private last = NaN;
  private flat = 0;

  constructor(private readonly rule: { tolerance: number; epochs: number } = CONVERGENCE) {}

  /** The RMSE after an epoch; true once it has stayed flat for `rule.epochs` epochs. */
  note(rmse: number): boolean {
    const change = Math.abs(rmse - this.last) / Math.max(Math.abs(this.last), Number.MIN_VALUE);
    this.flat = change < this.rule.tolerance ? this.flat + 1 : 0;
    this.last = rmse;
    return this.flat >= this.rule.epochs;
  }

  /** The objective changed (an edit, new parameters): the count starts over. */
  reset(): void {
    this.last = NaN;
    this.flat = 0;
  }
}
