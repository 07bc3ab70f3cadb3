"""Runs the Python of each playground example and writes what it prints to
playground/examples/python-output/<name>.txt, which the page shows beside the TypeScript's
output (and the browser tests compare with it).

    python3 playground/python/record.py                # the lecture's examples (lecture.py)
    MICROGRAD_DIR=/path/to/micrograd python3 playground/python/record.py moons

The moons example is micrograd's demo notebook: it needs micrograd's engine.py and nn.py (the
folder that holds the micrograd package), numpy, and takes a few minutes. sklearn and matplotlib
are not needed: make_moons is rebuilt below from sklearn's source on numpy's global RandomState
(which np.random.seed(1337) seeds, as in the notebook), and plotting does nothing.
"""
import io
import os
import sys
import types
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "examples")
LECTURE = ["walkthrough", "manual-backprop", "node-by-node", "neuron", "tiny-net"]


def lecture_namespace():
    sys.path.insert(0, HERE)
    import lecture
    return {"Value": lecture.Value, "MLP": lecture.MLP, "draw_dot": lambda root: None, "__name__": "__main__"}


def notebook_modules():
    """sklearn.datasets.make_moons and matplotlib.pyplot, for the notebook to import."""
    import numpy as np

    def make_moons(n_samples=100, *, shuffle=True, noise=None, random_state=None):
        # sklearn/datasets/_samples_generator.py, with random_state=None: numpy's global RandomState
        generator = np.random.mtrand._rand
        n_samples_out = n_samples // 2
        n_samples_in = n_samples - n_samples_out
        outer_circ_x = np.cos(np.linspace(0, np.pi, n_samples_out))
        outer_circ_y = np.sin(np.linspace(0, np.pi, n_samples_out))
        inner_circ_x = 1 - np.cos(np.linspace(0, np.pi, n_samples_in))
        inner_circ_y = 1 - np.sin(np.linspace(0, np.pi, n_samples_in)) - 0.5
        X = np.vstack([np.append(outer_circ_x, inner_circ_x), np.append(outer_circ_y, inner_circ_y)]).T
        y = np.hstack([np.zeros(n_samples_out, dtype=np.intp), np.ones(n_samples_in, dtype=np.intp)])
        if shuffle:
            # sklearn.utils.shuffle: resample without replacement, which shuffles arange(n)
            indices = np.arange(n_samples)
            generator.shuffle(indices)
            X, y = X[indices], y[indices]
        if noise is not None:
            X += generator.normal(scale=noise, size=X.shape)
        return X, y

    sklearn = types.ModuleType("sklearn")
    datasets = types.ModuleType("sklearn.datasets")
    datasets.make_moons = make_moons
    datasets.make_blobs = None
    sklearn.datasets = datasets
    plt = types.ModuleType("matplotlib.pyplot")
    plt.__getattr__ = lambda name: (lambda *args, **kwargs: None)
    plt.cm = types.SimpleNamespace(Spectral=None, jet=None)
    matplotlib = types.ModuleType("matplotlib")
    matplotlib.pyplot = plt
    sys.modules.update({"sklearn": sklearn, "sklearn.datasets": datasets, "matplotlib": matplotlib, "matplotlib.pyplot": plt})


def run(name, namespace):
    with open(os.path.join(EXAMPLES, f"{name}.py")) as f:
        # the notebook's cell magic is IPython's, not Python's
        code = "\n".join(line for line in f.read().split("\n") if not line.startswith("%"))
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(code, f"{name}.py", "exec"), namespace)
    with open(os.path.join(EXAMPLES, "python-output", f"{name}.txt"), "w") as f:
        f.write(out.getvalue())
    print(f"{name}: {len(out.getvalue().splitlines())} lines")


def main(names):
    for name in names or LECTURE:
        if name == "moons":
            micrograd = os.environ.get("MICROGRAD_DIR")
            if not micrograd or not os.path.isfile(os.path.join(micrograd, "micrograd", "engine.py")):
                sys.exit("moons: set MICROGRAD_DIR to the folder that holds micrograd/engine.py and micrograd/nn.py")
            sys.path.insert(0, micrograd)
            notebook_modules()
            run(name, {"__name__": "__main__"})
        elif name in LECTURE:
            run(name, lecture_namespace())
        else:
            sys.exit(f"unknown example {name}; the examples are {', '.join(LECTURE + ['moons'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
