"""An independent replay of numpy's legacy RandomState and sklearn's make_moons in plain Python.

numpy cannot be installed on the project's machines, so this rebuilds what numpy does for
`np.random.seed(seed); make_moons(n, noise=noise)` (MT19937 seeded by init_genrand, the 53-bit
double, the polar Gaussian with its cached second value, the masked-rejection shuffle), with
the C library's cos, sin and log through Python's math module, as numpy calls them.
test/datasets.test.ts compares makeMoons with it.

    python3 scripts/numpy-legacy-moons.py [n] [noise] [seed]   # prints {"X": ..., "y": ...}
"""
import json
import math
import sys

N, M = 624, 397


class LegacyRandomState:
    def __init__(self, seed):
        key, s = [0] * N, seed & 0xFFFFFFFF
        for i in range(N):
            key[i] = s
            s = (1812433253 * (s ^ (s >> 30)) + i + 1) & 0xFFFFFFFF
        self.key, self.pos, self.has_gauss, self.gauss = key, N, False, 0.0

    def next_uint32(self):
        key = self.key
        if self.pos >= N:
            for i in range(N):
                y = (key[i] & 0x80000000) | (key[(i + 1) % N] & 0x7FFFFFFF)
                key[i] = key[(i + M) % N] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.pos = 0
        y = key[self.pos]
        self.pos += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def next_double(self):
        a, b = self.next_uint32() >> 5, self.next_uint32() >> 6
        return (a * 67108864.0 + b) / 9007199254740992.0

    def next_gauss(self):
        if self.has_gauss:
            self.has_gauss = False
            return self.gauss
        while True:
            x1 = 2.0 * self.next_double() - 1.0
            x2 = 2.0 * self.next_double() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self.gauss, self.has_gauss = f * x1, True
        return f * x2

    def interval(self, mx):
        if mx == 0:
            return 0
        mask = mx
        for shift in (1, 2, 4, 8, 16):
            mask |= mask >> shift
        while True:
            value = self.next_uint32() & mask
            if value <= mx:
                return value

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = self.interval(i)
            a[i], a[j] = a[j], a[i]


def linspace(start, stop, num):
    step = (stop - start) / (num - 1) if num > 1 else 0.0
    t = [i * step + start for i in range(num)]
    if num > 1:
        t[-1] = stop
    return t


def make_moons(n, noise, seed):
    rng = LegacyRandomState(seed)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in linspace(0.0, math.pi, n_out)]
    X += [[1 - math.cos(t), 1 - math.sin(t) - 0.5] for t in linspace(0.0, math.pi, n_in)]
    y = [0] * n_out + [1] * n_in
    order = list(range(n))
    rng.shuffle(order)
    X, y = [X[i] for i in order], [y[i] for i in order]
    if noise is not None:
        for row in X:
            for k in range(2):
                row[k] += 0.0 + noise * rng.next_gauss()
    return X, y


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    noise = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1337
    X, y = make_moons(n, noise, seed)
    print(json.dumps({"X": X, "y": y}))
