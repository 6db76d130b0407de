using FFActors.Core.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>
/// A Hyperspherical FF layer: a dense FF layer (normalised input → linear → ReLU) plus one
/// prototype per class. Both the activity and the prototypes are projected onto the unit sphere, so
/// the class scores are cosines: the layer learns directions, not goodness magnitudes.
/// </summary>
public sealed class HffModule : nn.Module<Tensor, Tensor>
{
    readonly FFDenseLayer dense;
    readonly Parameter prototypes;
    public HffOptions Options { get; }

    public HffModule(int inputSize, int outputSize, InputNorm inputNorm, HffOptions options, Generator init, string name = "hff")
        : base(name)
    {
        Options = options;
        dense = new FFDenseLayer(inputSize, outputSize, inputNorm, init, name + "_dense");
        prototypes = new Parameter(randn([options.Classes, outputSize], generator: init));
        RegisterComponents();
    }

    public FFDenseLayer Dense => dense;

    public override Tensor forward(Tensor x) => dense.forward(x);

    /// <summary>Scale · cos(h, p_c) for every class: [B, Classes].</summary>
    public Tensor ClassScores(Tensor h)
    {
        var hn = nn.functional.normalize(h, p: 2, dim: 1, eps: 1e-8);
        var pn = nn.functional.normalize(prototypes, p: 2, dim: 1, eps: 1e-8);
        return hn.matmul(pn.t()).mul(KeptScalars.Of(Options.Scale));
    }
}
