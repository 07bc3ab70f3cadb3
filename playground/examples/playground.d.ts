// The "playground" module that programs in the playground may import (playground/src/plots.ts):
// it draws where the notebook plots with matplotlib.
declare module "playground" {
  /** Adds a point to the loss and accuracy chart (accuracy from 0 to 1). */
  export function plotStep(step: number, loss: number, accuracy?: number): void;
  /** Evaluates the model on the notebook's grid (spacing 0.25, 1 beyond the data) and redraws the decision boundary. */
  export function plotBoundary(
    model: (x: number[]) => { data: number } | number,
    X: readonly (readonly number[])[],
    y: readonly number[],
    options?: { step?: number; margin?: number },
  ): void;
}
