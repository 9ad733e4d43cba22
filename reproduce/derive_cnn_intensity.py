"""Arithmetic intensity (FLOPs per byte of memory traffic) of training the CIFAR CNNs LambdaML
trains, counted from their architecture: DS3Lab/LambdaML model/deep_models.py (MobileNet with
cfg [64, (128,2), 128, (256,2), 256, (512,2), 512 x5, (1024,2), 1024] on a 32x32x3 input and a
stride-1 3x3 stem; ResNet50 as Bottleneck blocks [3, 4, 6, 3] with a stride-1 3x3 stem).

Counting rules, for eager PyTorch in fp32 (each layer its own pass over memory):
  * a convolution reads its input, writes its output, and reads its weights once per batch
    (amortised over LambdaML's 256 images a worker);
  * a training-mode BatchNorm reads its input twice (statistics, then normalisation) and
    writes its output; a ReLU reads and writes; a residual sum reads two and writes one;
  * the backward pass moves twice the forward traffic and does twice the forward FLOPs, so
    training's intensity is the forward pass's: 2 FLOPs a multiply-add over forward bytes.
Run: python3 reproduce/derive_cnn_intensity.py (standard library only).
"""

BATCH = 256
F32 = 4


class Counter:
    def __init__(self):
        self.macs = 0
        self.bytes = 0
        self.params = 0

    def conv(self, c_in, c_out, hw_in, k, stride, groups=1):
        hw_out = (hw_in + 2 * (k // 2) - k) // stride + 1
        self.macs += hw_out * hw_out * c_out * k * k * c_in // groups
        weights = c_out * k * k * c_in // groups
        self.params += weights
        self.bytes += F32 * (hw_in * hw_in * c_in + hw_out * hw_out * c_out + weights / BATCH)
        return hw_out

    def bn(self, c, hw):
        self.bytes += F32 * 3 * c * hw * hw

    def relu(self, c, hw):
        self.bytes += F32 * 2 * c * hw * hw

    def add(self, c, hw):
        self.bytes += F32 * 3 * c * hw * hw

    def linear(self, n_in, n_out):
        self.macs += n_in * n_out
        self.params += n_in * n_out
        self.bytes += F32 * (n_in + n_out + n_in * n_out / BATCH)


def mobilenet():
    c = Counter()
    hw = c.conv(3, 32, 32, 3, 1)
    c.bn(32, hw)
    c.relu(32, hw)
    c_in = 32
    for x in [64, (128, 2), 128, (256, 2), 256, (512, 2), 512, 512, 512, 512, 512, (1024, 2), 1024]:
        c_out, stride = (x, 1) if isinstance(x, int) else x
        hw = c.conv(c_in, c_in, hw, 3, stride, groups=c_in)
        c.bn(c_in, hw)
        c.relu(c_in, hw)
        hw = c.conv(c_in, c_out, hw, 1, 1)
        c.bn(c_out, hw)
        c.relu(c_out, hw)
        c_in = c_out
    c.linear(1024, 10)
    return c


def resnet50():
    c = Counter()
    hw = c.conv(3, 64, 32, 3, 1)
    c.bn(64, hw)
    c.relu(64, hw)
    c_in = 64
    for planes, blocks, first_stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for b in range(blocks):
            stride = first_stride if b == 0 else 1
            hw_in = hw
            h = c.conv(c_in, planes, hw_in, 1, 1)
            c.bn(planes, h)
            c.relu(planes, h)
            h = c.conv(planes, planes, h, 3, stride)
            c.bn(planes, h)
            c.relu(planes, h)
            h = c.conv(planes, 4 * planes, h, 1, 1)
            c.bn(4 * planes, h)
            if stride != 1 or c_in != 4 * planes:
                c.conv(c_in, 4 * planes, hw_in, 1, stride)
                c.bn(4 * planes, h)
            c.add(4 * planes, h)
            c.relu(4 * planes, h)
            c_in, hw = 4 * planes, h
    c.linear(2048, 10)
    return c


if __name__ == "__main__":
    for name, c in [("mobilenet", mobilenet()), ("resnet50", resnet50())]:
        print(f"{name}: {c.params / 1e6:.2f}M parameters, {c.macs / 1e6:.1f}M multiply-adds "
              f"forward, {c.bytes / 1e6:.2f} MB forward traffic a sample, "
              f"{2 * c.macs / c.bytes:.1f} FLOPs per byte")
