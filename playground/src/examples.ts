// The examples menu: each example's TypeScript, the Python original it follows (the lecture's
// or the notebook's code), and what that Python printed when run (playground/python/record.py).

import nodeByNode from "../../examples/node-by-node.ts?raw";
import manualPy from "../examples/manual-backprop.py?raw";
import manual from "../examples/manual-backprop.ts?raw";
import moonsPy from "../examples/moons.py?raw";
import moons from "../examples/moons.ts?raw";
import neuronPy from "../examples/neuron.py?raw";
import neuron from "../examples/neuron.ts?raw";
import nodeByNodePy from "../examples/node-by-node.py?raw";
import manualOut from "../examples/python-output/manual-backprop.txt?raw";
import moonsOut from "../examples/python-output/moons.txt?raw";
import neuronOut from "../examples/python-output/neuron.txt?raw";
import nodeByNodeOut from "../examples/python-output/node-by-node.txt?raw";
import tinyNetOut from "../examples/python-output/tiny-net.txt?raw";
import walkthroughOut from "../examples/python-output/walkthrough.txt?raw";
import tinyNetPy from "../examples/tiny-net.py?raw";
import tinyNet from "../examples/tiny-net.ts?raw";
import walkthroughPy from "../examples/walkthrough.py?raw";
import walkthrough from "../examples/walkthrough.ts?raw";

export interface Example {
  id: string;
  title: string;
  typescript: string;
  python: string;
  /** What the Python printed. */
  pythonOutput: string;
}

export const EXAMPLES: readonly Example[] = [
  { id: "walkthrough", title: "1. The walkthrough: a graph and backward()", typescript: walkthrough, python: walkthroughPy, pythonOutput: walkthroughOut },
  { id: "manual-backprop", title: "2. Backpropagation by hand: the chain rule", typescript: manual, python: manualPy, pythonOutput: manualOut },
  { id: "node-by-node", title: "3. Manual backprop: _backward() node by node", typescript: nodeByNode, python: nodeByNodePy, pythonOutput: nodeByNodeOut },
  { id: "neuron", title: "4. A neuron with tanh", typescript: neuron, python: neuronPy, pythonOutput: neuronOut },
  { id: "tiny-net", title: "5. The tiny net: MLP(3, [4, 4, 1])", typescript: tinyNet, python: tinyNetPy, pythonOutput: tinyNetOut },
  { id: "moons", title: "6. The moons demo: training live", typescript: moons, python: moonsPy, pythonOutput: moonsOut },
];

export const exampleById = (id: string) => EXAMPLES.find((e) => e.id === id);
