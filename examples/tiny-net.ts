// 5. The lecture's tiny net: MLP(3, [4, 4, 1]) with tanh everywhere, four inputs with targets
// [1, -1, -1, 1], squared-error loss, 20 steps of gradient descent at 0.1.
import { lecture, MLP, print, random, sum } from "micrograd-ts";

random.seed(1337);
const n = new MLP(3, [4, 4, 1], lecture);
print(String(n));
print("parameters", n.parameters().length);

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

print(
  "predictions",
  xs.map((x) => n(x).data),
);
