using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Layers;

/// <summary>A Mono-Forward layer: a dense layer with its own projection to the classes (<see cref="MonoForwardModule"/>).</summary>
public sealed record MonoForwardSpec(int Index, int InputSize, int OutputSize, OptimizerOptions Optimizer, EpochWindow? Window,
    InputNorm InputNorm, MonoForwardOptions MonoForward)
    : LayerSpec(Index, InputSize, OutputSize, Optimizer, Window)
{
    public const string Name = "mono-forward";

    public override string Kind => Name;

    public override bool LabelDriven => true;

    public override IFFLayer Create(long seed, Device device) => new MonoForwardLayer(this, seed, device);

    public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) =>
        new MonoForwardModule(InputSize, OutputSize, InputNorm, MonoForward, init, name);
}

/// <summary>
/// Mono-Forward: class scores G = a·Mᵀ through the layer's own projection, trained with cross-entropy against the label.
/// The loss reaches W, b and M of this layer only (the next layer reads the detached activities), so each layer learns
/// from one forward pass of the plain images, as every label-driven kind does here.
/// </summary>
public sealed class MonoForwardLayer(MonoForwardSpec spec, long seed, Device device) : LabelDrivenLayer(spec, seed, device)
{
    public new MonoForwardSpec Spec { get; } = spec;

    public override Tensor? InputWeights => ((MonoForwardModule)Module).Dense.Weight;

    public override Tensor Score(Tensor h) => ((MonoForwardModule)Module).ClassScores(h);

    public override Tensor Features(Tensor h) => FFDenseLayer.Readout(h, Spec.InputNorm);

    protected override Tensor LabelLoss(Tensor scores, Tensor labels) => nn.functional.cross_entropy(scores, labels);
}

/// <summary>Mono-Forward's own options: the number of classes its projections map to.</summary>
public sealed record MonoForwardOptions(int Classes = 10);

/// <summary>
/// Mono-Forward networks (Gong, Li and Abdulla, arXiv 2501.09238): the dense layers of <c>model.layers</c>, each with a
/// projection to the classes and a local cross-entropy. Prediction is the argmax of the last layer's scores (set
/// <c>eval.score-layers</c> to the last layer; other layers' scores may be summed in as with the other kinds).
/// </summary>
public sealed record MonoForwardKind(MonoForwardOptions Options) : ILayerKind
{
    public string Name => MonoForwardSpec.Name;

    public bool LabelDriven => true;

    public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        DenseKind.CheckLayers(model);
        return Enumerable.Range(0, model.Layers.Length - 1).Select(i => new MonoForwardSpec(
            i, model.Layers[i], model.Layers[i + 1], context.Optimizer, context.Window(i), model.InputNorm, Options)).ToArray();
    }

    public string Describe(ModelOptions model) => $"mono-forward layers [{string.Join(", ", model.Layers)}]";

    /// <summary>The kind itself (the common fingerprint does not name kinds); it has no further option a checkpoint must match.</summary>
    public string Fingerprint(ModelOptions model) => ";mono-forward";

    public double[] LayerWork(ModelOptions model) => DenseKind.DenseWork(model);
}
