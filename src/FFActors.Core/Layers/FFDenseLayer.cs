using FFActors.Core.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// One dense Forward-Forward layer: h = ReLU(W · norm(x) + b). Normalising the input removes the
/// previous layer's goodness (its squared length) so this layer must find new evidence.
/// </summary>
public sealed class FFDenseLayer : nn.Module<Tensor, Tensor>
{
    readonly Linear linear;
    public InputNorm InputNorm { get; }
    public int InputSize { get; }
    public int OutputSize { get; }

    public FFDenseLayer(int inputSize, int outputSize, InputNorm inputNorm, Generator init, string name = "ff_dense", bool sharedHalves = false)
        : base(name)
    {
        SharedHalves = sharedHalves;
        InputSize = inputSize;
        OutputSize = outputSize;
        InputNorm = inputNorm;
        linear = nn.Linear(inputSize, outputSize);
        RegisterComponents();
        // Initialise from the layer's own generator, not torch's global RNG, so weights depend only
        // on (seed, layer index) and not on which thread or actor happened to build the layer first.
        // Same distribution as nn.Linear's default: U(−1/√fan_in, 1/√fan_in).
        double bound = 1.0 / Math.Sqrt(inputSize);
        using (no_grad())
        using (NewDisposeScope())
        {
            linear.weight!.copy_(rand([outputSize, inputSize], generator: init).mul_(2 * bound).sub_(bound));
            linear.bias!.copy_(rand([outputSize], generator: init).mul_(2 * bound).sub_(bound));
        }
    }

    /// <summary>
    /// SCFF (Chen et al. 2025): the input is a pair [a ‖ b] of two <see cref="InputSize"/>-wide halves and
    /// one weight matrix W serves both, i.e. the layer is a 2F-wide layer with W₁ = W₂:
    /// h = ReLU(W·(â + b̂) + bias), where [â ‖ b̂] = norm([a ‖ b]). A single F-wide input x is read as
    /// the positive pair [x ‖ x] (how SCFF evaluates one image).
    /// </summary>
    public bool SharedHalves { get; }

    public Tensor Weight => linear.weight!;
    public Tensor Bias => linear.bias!;

    public override Tensor forward(Tensor x) => nn.functional.relu(linear.forward(LinearInput(x)));

    /// <summary>What the linear map reads for input x: norm(x), or for SCFF the sum of the normalised halves â + b̂.</summary>
    public Tensor LinearInput(Tensor x)
    {
        if (!SharedHalves) return Normalize(x, InputNorm);
        var pair = x.shape[1] == InputSize ? cat([x, x], 1) : x;
        if (pair.shape[1] != 2L * InputSize)
            throw new ArgumentException($"{GetName()}: expected [B, {InputSize}] or pairs [B, {2 * InputSize}], got [{string.Join(", ", x.shape)}]");
        var n = Normalize(pair, InputNorm);
        return n.narrow(1, 0, InputSize) + n.narrow(1, InputSize, InputSize);
    }

    /// <summary>
    /// The training forward h = ReLU(x̂·Wᵀ + b) of each linear input x̂ (<see cref="LinearInput"/>), outside autograd
    /// (<see cref="SetGradients"/> is its backward). The matmuls run in row blocks (<see cref="GemmChunks"/>) on
    /// <paramref name="runner"/>; the result does not depend on which thread ran which block.
    /// </summary>
    public Tensor[] Activities(IReadOnlyList<Tensor> inputs, IChunkRunner runner)
    {
        using var _ = no_grad();
        var w = Weight.detach();
        var b = Bias.detach();
        var outputs = inputs.Select(x => empty([x.shape[0], OutputSize], dtype: x.dtype, device: x.device)).ToArray();
        var blocks = Blocks(inputs.Select(x => x.shape[0]));
        runner.Run(blocks.Length, k =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (i, start, length) = blocks[k];
            var h = outputs[i].narrow(0, start, length);
            h.copy_(b.expand(length, OutputSize));
            h.addmm_(inputs[i].narrow(0, start, length), w.t(), 1f, 1f);
            h.relu_();
        });
        return outputs;
    }

    /// <summary>
    /// Backward of <see cref="Activities"/>: from ∂L/∂z of each input (∂L/∂h where h &gt; 0, else 0) writes the parameters'
    /// gradients ∂L/∂W = Σᵢ dzᵢᵀ·x̂ᵢ (in blocks of output units on <paramref name="runner"/>) and ∂L/∂b = Σᵢ Σ_batch dzᵢ.
    /// </summary>
    public void SetGradients(IReadOnlyList<Tensor> dz, IReadOnlyList<Tensor> inputs, IChunkRunner runner)
    {
        using var _ = no_grad();
        var gw = GradientOf(Weight);
        runner.Run(GemmChunks.Count(OutputSize), k =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (start, length) = GemmChunks.Bounds(OutputSize, k);
            var g = gw.narrow(0, start, length);
            for (int i = 0; i < dz.Count; i++)
                g.addmm_(dz[i].narrow(1, start, length).t(), inputs[i], i == 0 ? 0f : 1f, 1f);
        });
        var gb = GradientOf(Bias);
        gb.copy_(dz[0].sum([0]));
        for (int i = 1; i < dz.Count; i++) gb.add_(dz[i].sum([0]));
    }

    static Tensor GradientOf(Tensor parameter)
    {
        if (parameter.grad is { } g) return g;
        parameter.grad = zeros_like(parameter);
        return parameter.grad!;
    }

    /// <summary>(input, first row, rows) of every row block of inputs with these row counts.</summary>
    static (int Input, long Start, long Length)[] Blocks(IEnumerable<long> rows) =>
        rows.SelectMany((n, i) => Enumerable.Range(0, GemmChunks.Count(n)).Select(k =>
        {
            var (start, length) = GemmChunks.Bounds(n, k);
            return (i, start, length);
        })).ToArray();

    public static Tensor Normalize(Tensor x, InputNorm norm) => norm switch
    {
        InputNorm.L2 => x / x.Squared().sum([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-4), KeptScalars.One),
        InputNorm.Rms => x / x.Squared().mean([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-8), KeptScalars.One),
        InputNorm.None => x.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(norm)),
    };
}
