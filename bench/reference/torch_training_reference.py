"""PyTorch reference numbers for Condenser's training methods (issue 4), run on the GPU machine's CPU or GPU.

Fine-tunes LeNet-300-100 for 5 epochs, and quantizes LeNet-5 with post-training static quantization and with
quantization-aware training (PyTorch eager mode, fbgemm, per-channel weights), all on the corpus split.
Usage: python3 torch_training_reference.py <corpus dir>
"""
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq

corpus = sys.argv[1]
torch.manual_seed(0)
train = np.load(f"{corpus}/mnist_split_train.npz")
test = np.load(f"{corpus}/mnist_split_test.npz")
x_train, y_train = torch.tensor(train["x"]), torch.tensor(train["y"])
x_test, y_test = torch.tensor(test["x"]), torch.tensor(test["y"])


def accuracy(model, shape):
    model.eval()
    with torch.no_grad():
        return (model(x_test.reshape(shape)).argmax(1) == y_test).float().mean().item() * 100


def train_epochs(model, shape, epochs, optimizer, batch=64):
    times = []
    for _ in range(epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(x_train))
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x_train[idx].reshape((len(idx),) + shape[1:])), y_train[idx])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
    return times


class LeNet300(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                                 nn.Linear(100, 10))

    def forward(self, x):
        return self.net(x)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1, self.relu1, self.pool1 = nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2)
        self.conv2, self.relu2, self.pool2 = nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2)
        self.fc1, self.relu3, self.fc2 = nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(self.quant(x))))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu3(self.fc1(torch.flatten(x, 1)))
        return self.dequant(self.fc2(x))


def load_weights(module, scripted_path):
    """Copies the traced model's parameters, in order, into the eager module of the same architecture."""
    source = [p.detach() for p in torch.jit.load(scripted_path).parameters()]
    targets = list(module.parameters())
    assert [s.shape for s in source] == [t.shape for t in targets]
    with torch.no_grad():
        for t, s in zip(targets, source):
            t.copy_(s)
    return module


torch.set_num_threads(2)
lenet300 = load_weights(LeNet300(), f"{corpus}/lenet300_mnist.pt")
print(f"lenet300 fp32 {accuracy(lenet300, (-1, 784)):.2f} %")
for name, make in [("sgd lr 0.01 momentum 0.9", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
                   ("sgd lr 0.001 momentum 0.9", lambda p: torch.optim.SGD(p, lr=0.001, momentum=0.9)),
                   ("adam lr 1e-4", lambda p: torch.optim.Adam(p, lr=1e-4))]:
    model = load_weights(LeNet300(), f"{corpus}/lenet300_mnist.pt")
    times = train_epochs(model, (-1, 784), 5, make(model.parameters()))
    print(f"lenet300 finetune 5 epochs {name}: {accuracy(model, (-1, 784)):.2f} %, epoch s {np.median(times):.3f}"
          f" (2 threads CPU)")

shape5 = (-1, 1, 28, 28)
lenet5 = load_weights(LeNet5(), f"{corpus}/lenet5_mnist.pt")
print(f"lenet5 fp32 {accuracy(lenet5, shape5):.2f} %")

torch.backends.quantized.engine = "fbgemm"
ptq = load_weights(LeNet5(), f"{corpus}/lenet5_mnist.pt").eval()
ptq.qconfig = tq.get_default_qconfig("fbgemm")
fused = tq.fuse_modules(ptq, [["conv1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]])
prepared = tq.prepare(fused)
with torch.no_grad():
    prepared(x_train[:256].reshape(shape5))
print(f"lenet5 PTQ static int8 (fbgemm per-channel, 256 calibration) {accuracy(tq.convert(prepared), shape5):.2f} %")

for epochs in (1, 3):
    qat = load_weights(LeNet5(), f"{corpus}/lenet5_mnist.pt").train()
    qat.qconfig = tq.get_default_qat_qconfig("fbgemm")
    qat = tq.prepare_qat(tq.fuse_modules_qat(qat, [["conv1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]]))
    times = train_epochs(qat, shape5, epochs, torch.optim.SGD(qat.parameters(), lr=0.001, momentum=0.9))
    converted = tq.convert(qat.eval())
    print(f"lenet5 QAT {epochs} epochs SGD lr 0.001: {accuracy(converted, shape5):.2f} %, epoch s {np.median(times):.3f}")
