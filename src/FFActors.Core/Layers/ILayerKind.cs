using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>
/// A layer kind as a network sees it, with the kind's own options: how many layers a model of this kind has, what each
/// costs, and the <see cref="LayerSpec"/> of each. Each kind implements it in its own folder; the configuration picks
/// one by <c>model.kind</c> and puts it in <see cref="ModelOptions.LayerKind"/>.
/// </summary>
public interface ILayerKind
{
    /// <summary>The kind's name, as <c>model.kind</c> spells it.</summary>
    string Name { get; }

    /// <summary>Whether this kind's layers learn from labels in one pass (<see cref="LayerSpec.LabelDriven"/>).</summary>
    bool LabelDriven { get; }

    /// <summary>The layers of <paramref name="model"/>, input first.</summary>
    IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context);

    /// <summary>The model in a few words: its kind and sizes (run titles, result files).</summary>
    string Describe(ModelOptions model);

    /// <summary>What a checkpoint of this kind must match in the model besides the common keys (appended to the run's fingerprint).</summary>
    string Fingerprint(ModelOptions model);

    /// <summary>Each layer's multiply-adds per sample: placement and lane plans balance these.</summary>
    double[] LayerWork(ModelOptions model);

    /// <summary>Signals this kind's layers read that come from a probe pass of the batch through all layers (a modulation
    /// computed from the top layer's readout, say); none by default.</summary>
    IReadOnlyList<IProbeRule> ProbeRules(ModelOptions model) => [];
}

/// <summary>What the network around a layer decides for it: the optimizer, the ILT windows, SCFF's shared halves on the
/// first layer, and collaboration's remedy.</summary>
public sealed record NetworkContext(OptimizerOptions Optimizer, IReadOnlyList<EpochWindow>? Windows = null, bool SharedHalves = false,
    CollaborationOptions? Collaboration = null)
{
    public EpochWindow? Window(int layer) => Windows?[layer];
}
