using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>
/// A layer kind as a network sees it: how many layers a model of this kind has, what each costs, and the
/// <see cref="LayerSpec"/> of each. Each kind implements it in its own folder.
/// </summary>
public interface ILayerKind
{
    /// <summary>The kind's name, as <c>model.kind</c> spells it.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="model"/> is a network of this kind.</summary>
    bool Describes(ModelOptions model);

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
}

/// <summary>What the network around a layer decides for it: the optimizer, the ILT windows, SCFF's shared halves on the
/// first layer, and collaboration's remedy.</summary>
public sealed record NetworkContext(OptimizerOptions Optimizer, IReadOnlyList<EpochWindow>? Windows = null, bool SharedHalves = false,
    CollaborationOptions? Collaboration = null)
{
    public EpochWindow? Window(int layer) => Windows?[layer];
}

/// <summary>The registry of layer kinds: one line per kind.</summary>
public static class LayerKinds
{
    public static IReadOnlyList<ILayerKind> All { get; } =
    [
        new DenseKind(),
        new CwcKind(),
        new HffKind(),
        new DistanceKind(),
    ];

    public static IEnumerable<string> Names => All.Select(k => k.Name);

    /// <summary>The kind of <paramref name="model"/>.</summary>
    public static ILayerKind Of(ModelOptions model) =>
        All.SingleOrDefault(k => k.Describes(model)) ?? throw new ArgumentException("model: it describes no single layer kind");

    /// <summary>The layer specs of <paramref name="model"/> (ILT windows checked against its layer count).</summary>
    public static IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context)
    {
        var specs = Of(model).Specs(model, context);
        if (context.Windows is { } w && w.Count != specs.Count)
            throw new ArgumentException($"train.ilt: {w.Count} windows for {specs.Count} layers");
        return specs;
    }
}
