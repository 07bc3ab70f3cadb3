// The lecture's tiny net: MLP(3, [4, 4, 1]) with tanh everywhere, four inputs and their
// targets, squared-error loss, 20 steps of gradient descent. The graph is one forward pass.
import { drawDot, lecture, MLP, print, random, sum } from "micrograd-ts";

random.seed(1337);
const n = new MLP(3, [4, 4, 1], lecture);

const xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
];
const ys = [1.0, -1.0, -1.0, 1.0]; // desired targets

for (let k = 0; k < 20; k++) {
  // forward pass
  const ypred = xs.map((x) => n(x));
  const loss = sum(ypred.map((yout, i) => (yout - ys[i]!) ** 2));

  // backward pass
  for (const p of n.parameters()) p.grad = 0.0;
  loss.backward();

  // update
  for (const p of n.parameters()) p.data += -0.1 * p.grad;

  print(k, loss.data);
}

print(xs.map((x) => n(x).data));
drawDot(n(xs[0]!));
