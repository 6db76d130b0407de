using FFActors.Core.Platform;
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

    public static Tensor Normalize(Tensor x, InputNorm norm) => norm switch
    {
        InputNorm.L2 => x / x.Squared().sum([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-4), KeptScalars.One),
        InputNorm.Rms => x / x.Squared().mean([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-8), KeptScalars.One),
        InputNorm.None => x.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(norm)),
    };
}
