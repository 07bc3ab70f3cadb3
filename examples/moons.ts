// 6. micrograd's demo (demo.ipynb): a 2-layer neural net learns to separate the two moons.
// The same seeds give the same data, the same initial weights and the same 100 lines as the
// notebook: `step 0 loss 0.8958441028683222, accuracy 50.0%` … `step 99 loss 0.0109…, accuracy 100.0%`.
import { pathToFileURL } from "node:url";
import { MLP, makeMoons, pyRepr, random, sum, Value } from "micrograd-ts";

export function moonsDemo() {
  // np.random.seed(1337); random.seed(1337)
  random.seed(1337);
  // X, y = make_moons(n_samples=100, noise=0.1); y = y*2 - 1  (labels -1 / 1)
  const { X, y: y01 } = makeMoons(100, { noise: 0.1, seed: 1337 });
  const y = y01.map((yi) => yi * 2 - 1);

  // initialize a model: 2 inputs, two hidden layers of 16 ReLU neurons, one linear output
  const model = new MLP(2, [16, 16, 1]);

  // loss function
  function loss(): [Value, number] {
    const inputs = X.map((xrow) => xrow.map((x) => new Value(x)));
    // forward the model to get scores
    const scores = inputs.map((input) => model(input));
    // svm "max-margin" loss
    const losses = scores.map((scorei, i) => (1 + -y[i]! * scorei).relu());
    const dataLoss = sum(losses) * (1.0 / losses.length);
    // L2 regularization
    const alpha = 1e-4;
    const regLoss = alpha * sum(model.parameters().map((p) => p * p));
    const totalLoss = dataLoss + regLoss;
    // also get accuracy
    const accuracy = scores.map((scorei, i) => y[i]! > 0 === scorei.data > 0);
    return [totalLoss, sum(accuracy.map(Number)) / accuracy.length];
  }

  /** One step of the notebook's loop; returns its line and the numbers. */
  function step(k: number) {
    // forward
    const [totalLoss, acc] = loss();

    // backward
    model.zeroGrad();
    totalLoss.backward();

    // update (sgd)
    const learningRate = 1.0 - (0.9 * k) / 100;
    for (const p of model.parameters()) p.data -= learningRate * p.grad;

    return { k, loss: totalLoss.data, accuracy: acc, line: `step ${k} loss ${pyRepr(totalLoss.data)}, accuracy ${pyRepr(acc * 100)}%` };
  }

  return { X, y, model, loss, step };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const demo = moonsDemo();
  for (let k = 0; k < 100; k++) console.log(demo.step(k).line);
}
