using FFActors.Core.Objectives;
using FFActors.Core.Training;

namespace FFActors.Core.Layers;

/// <summary>What the kinds that carry the label context (<see cref="ContextLayer"/>) share when they build a network's specs.</summary>
static class ContextKinds
{
    public static void Check(ModelOptions model, int classes)
    {
        DenseKind.CheckLayers(model);
        if (model.Layers[0] <= classes)
            throw new ArgumentException($"model.layers: the input ({model.Layers[0]} features) must be wider than its {classes} label slots");
    }

    /// <summary>Layer 0 reads the image; layer ℓ &gt; 0 the context and the units of layer ℓ − 1.</summary>
    public static int InputSize(ModelOptions model, int layer, int classes) => layer == 0 ? model.Layers[0] : classes + model.Layers[layer];

    /// <summary>The model's FF objective for layer <paramref name="layer"/>, θ by its units (as a dense layer's).</summary>
    public static Objective ObjectiveOf(ModelOptions model, int layer, CollaborationOptions? collaboration) =>
        new(model.Goodness, model.ThresholdFor(model.Layers[layer + 1]), model.Loss, model.SymBaAlpha,
            collaboration is { Enabled: true } c ? c.Remedy : CollaborationRemedy.None,
            collaboration?.CumulativeDivisor(layer, model.Layers.Length - 1) ?? 1.0);
}
