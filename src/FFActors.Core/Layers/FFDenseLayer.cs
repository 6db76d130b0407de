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

    public FFDenseLayer(int inputSize, int outputSize, InputNorm inputNorm, Generator init, string name = "ff_dense")
        : base(name)
    {
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

    public Tensor Weight => linear.weight!;
    public Tensor Bias => linear.bias!;

    public override Tensor forward(Tensor x) => nn.functional.relu(linear.forward(Normalize(x, InputNorm)));

    public static Tensor Normalize(Tensor x, InputNorm norm) => norm switch
    {
        InputNorm.L2 => x / x.square().sum([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-4), KeptScalars.One),
        InputNorm.Rms => x / x.square().mean([1], keepdim: true).sqrt().add(KeptScalars.Of(1e-8), KeptScalars.One),
        InputNorm.None => x.alias(),
        _ => throw new ArgumentOutOfRangeException(nameof(norm)),
    };
}
