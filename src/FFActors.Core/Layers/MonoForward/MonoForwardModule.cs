using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A Mono-Forward layer (Gong, Li and Abdulla 2025): a dense layer a = ReLU(W·norm(x) + b) plus its own projection
/// matrix M [classes, width] to the classes. The layer's class scores ("goodness" in the paper) are G = a·Mᵀ, and the
/// layer learns W, b and M from a cross-entropy over G alone: the label reaches every layer through its own M instead of
/// through an overlay or a gradient from above.
/// </summary>
public sealed class MonoForwardModule : nn.Module<Tensor, Tensor>
{
    readonly FFDenseLayer dense;
    readonly Parameter projection;

    public MonoForwardModule(int inputSize, int outputSize, InputNorm inputNorm, MonoForwardOptions options, Generator init, string name = "mono_forward")
        : base(name)
    {
        dense = new FFDenseLayer(inputSize, outputSize, inputNorm, init, name + "_dense");
        projection = new Parameter(zeros(options.Classes, outputSize));
        RegisterComponents();
        // M reads the layer's activities as an nn.Linear without bias over them would: U(−1/√width, 1/√width), from the
        // layer's own generator after W and b.
        UniformInit.Fill(projection, 1.0 / Math.Sqrt(outputSize), init);
    }

    public FFDenseLayer Dense => dense;

    /// <summary>M [classes, width].</summary>
    public Tensor Projection => projection;

    public override Tensor forward(Tensor x) => dense.forward(x);

    /// <summary>G = a·Mᵀ: [B, classes].</summary>
    public Tensor ClassScores(Tensor a) => a.matmul(projection.t());
}
