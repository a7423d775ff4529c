# The numbers tests/train/sample_trace_test.cpp checks, computed by PyTorch for the same
# weights and samples: run `python3 tests/train/sample_trace_reference.py` and compare.
# A Dense weight is (inputs x outputs) as in soma's model files, so z = x W + b.
import torch

torch.set_printoptions(precision=8)

W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
B1 = [0.01, -0.02, 0.03]
W2 = [[0.7, -0.8], [0.9, 0.15], [-0.35, 0.25]]
B2 = [0.05, -0.05]


def trace(name, x, layers, loss_fn):
    x = torch.tensor([x], requires_grad=True)
    values = []
    current = x
    params = []
    for kind, arg in layers:
        if kind == "linear":
            w = torch.tensor(arg[0], requires_grad=True)
            b = torch.tensor(arg[1], requires_grad=True)
            params += [w, b]
            current = current @ w + b
        else:
            current = arg(current)
        current.retain_grad()
        values.append(current)
    loss = loss_fn(current)
    loss.backward()
    print(name)
    print("  loss", f"{loss.item():.9g}")
    print("  input_grad", [f"{v:.9g}" for v in x.grad[0].tolist()])
    for i, v in enumerate(values):
        print(f"  layer {i} value", [f"{e:.9g}" for e in v[0].tolist()])
        print(f"  layer {i} grad ", [f"{e:.9g}" for e in v.grad[0].tolist()])
    for i, p in enumerate(params):
        print(f"  param {i} grad", [f"{e:.9g}" for e in p.grad.flatten().tolist()])


# 2-3-2, tanh, softmax cross-entropy, class 1.
trace("tanh_cross_entropy", [0.5, -1.0],
      [("linear", (W1, B1)), ("act", torch.tanh), ("linear", (W2, B2))],
      lambda z: torch.nn.functional.cross_entropy(z, torch.tensor([1])))

# 2-3-1, relu, binary cross-entropy on logits, class 1.
W2_ONE = [[row[0]] for row in W2]
trace("relu_bce_with_logits", [0.5, -1.0],
      [("linear", (W1, B1)), ("act", torch.relu), ("linear", (W2_ONE, B2[:1]))],
      lambda z: torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor([[1.0]])))

# 2-3-2, sigmoid hidden, identity output, squared error against (0.3, -0.2).
trace("sigmoid_squared_error", [0.5, -1.0],
      [("linear", (W1, B1)), ("act", torch.sigmoid), ("linear", (W2, B2))],
      lambda z: torch.nn.functional.mse_loss(z, torch.tensor([[0.3, -0.2]])))
