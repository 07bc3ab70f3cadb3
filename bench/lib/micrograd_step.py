# The Python original's side of bench/training.mjs: micrograd's demo step (demo.ipynb's loss and
# update), on the data and sizes given as JSON on stdin, timed per step in CPU time
# (time.process_time). Prints one JSON line. The micrograd sources are the package directory
# named in argv[1] (the folder with engine.py and nn.py, or a clone of the repository with a
# micrograd/ folder in it).
#
#   python3 bench/lib/micrograd_step.py /path/to/micrograd < {"X": [...], "y": [...], "sizes": [16, 16, 1], "steps": 5}

import importlib.util
import json
import os
import random
import sys
import time

root = sys.argv[1]
if not os.path.exists(os.path.join(root, "engine.py")) and os.path.exists(os.path.join(root, "micrograd", "engine.py")):
    root = os.path.join(root, "micrograd")
spec = importlib.util.spec_from_file_location("micrograd", os.path.join(root, "__init__.py"), submodule_search_locations=[root])
package = importlib.util.module_from_spec(spec)
sys.modules["micrograd"] = package
spec.loader.exec_module(package)
from micrograd.engine import Value  # noqa: E402
from micrograd.nn import MLP  # noqa: E402

job = json.load(sys.stdin)
X, y = job["X"], job["y"]
random.seed(1337)
model = MLP(2, job["sizes"])


def loss():
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    return data_loss + reg_loss


cpu_ms, losses = [], []
for k in range(job["steps"]):
    t0 = time.process_time()
    total = loss()
    model.zero_grad()
    total.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    cpu_ms.append((time.process_time() - t0) * 1000)
    losses.append(total.data)
print(json.dumps({"cpuMs": cpu_ms, "losses": losses, "python": sys.version.split()[0]}))
