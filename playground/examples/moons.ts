// micrograd's demo (demo.ipynb): a 2-layer neural net learns to separate the two moons. It
// trains in a worker while the page draws the loss, the accuracy and the decision boundary.
// The same seeds give the notebook's data, initial weights and numbers.
import { MLP, makeMoons, print, pyRepr, random, sum, Value } from "micrograd-ts";
import { plotBoundary, plotStep } from "playground";

random.seed(1337);

// make up a dataset: the notebook's make_moons(n_samples=100, noise=0.1) after np.random.seed(1337)
const { X, y: y01 } = makeMoons(100, { noise: 0.1, seed: 1337 });
const y = y01.map((yi) => yi * 2 - 1); // make y be -1 or 1

// initialize a model
const model = new MLP(2, [16, 16, 1]); // 2-layer neural network
print(String(model));
print("number of parameters", model.parameters().length);

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

const [totalLoss, acc] = loss();
print(totalLoss, acc);

// optimization
for (let k = 0; k < 100; k++) {
  // forward
  const [totalLoss, acc] = loss();

  // backward
  model.zeroGrad();
  totalLoss.backward();

  // update (sgd)
  const learningRate = 1.0 - (0.9 * k) / 100;
  for (const p of model.parameters()) p.data -= learningRate * p.grad;

  print(`step ${k} loss ${pyRepr(totalLoss.data)}, accuracy ${pyRepr(acc * 100)}%`);
  plotStep(k, totalLoss.data, acc);
  plotBoundary(model, X, y);
}
