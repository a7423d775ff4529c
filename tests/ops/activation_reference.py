#!/usr/bin/env python3
# The reference values of tests/ops/activation_test.cpp: GELU (exact, PyTorch's default
# torch.nn.functional.gelu) and SiLU (torch.nn.functional.silu) and their derivatives, by
# their formulas in double precision. Run it to print the table's lines again; where PyTorch
# is installed it also checks that torch's float64 results agree.
import math

POINTS = [-20.0, -10.0, -5.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 5.0, 10.0, 20.0]


def normal_cdf(x):  # Phi(x); erfc keeps it exact far out on the left, where 1 + erf(x) is 0
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def normal_density(x):  # phi(x)
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


FUNCTIONS = {
    # GELU: x Phi(x); g'(x) = Phi(x) + x phi(x).
    "gelu": (lambda x: x * normal_cdf(x), lambda x: normal_cdf(x) + x * normal_density(x)),
    # SiLU: x s(x); g'(x) = s(x) (1 + x (1 - s(x))).
    "silu": (lambda x: x * sigmoid(x), lambda x: sigmoid(x) * (1.0 + x * (1.0 - sigmoid(x)))),
}


def check_against_torch():
    try:
        import torch
    except ImportError:
        print("// (PyTorch is not installed: not compared)")
        return
    x = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
    for name, (value, derivative) in FUNCTIONS.items():
        y = getattr(torch.nn.functional, name)(x)
        (gradient,) = torch.autograd.grad(y.sum(), x)
        for i, point in enumerate(POINTS):
            # Up to PyTorch's 1 + erf(x), which loses the far left tail (0 below x = -8).
            tolerance = 1e-9 * abs(value(point)) + (1e-15 if name == "silu" else 1e-14)
            assert abs(float(y[i]) - value(point)) <= tolerance, (name, point)
            assert abs(float(gradient[i]) - derivative(point)) <= tolerance, (name, point)
    print("// (agrees with PyTorch %s in float64)" % torch.__version__)


for name, (value, derivative) in FUNCTIONS.items():
    for point in POINTS:
        print('    {"%s", %.1f, %.17g, %.17g},' % (name, point, value(point), derivative(point)))
check_against_torch()
