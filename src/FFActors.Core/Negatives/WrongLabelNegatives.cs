using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// The same image with a wrong label, drawn uniformly from the other classes and resampled every
/// batch. (The seed code used <c>y[randperm]</c>, which gives the true label ≈10 % of the time.)
/// </summary>
public sealed class WrongLabelNegatives(LabelOverlay overlay) : INegativeStrategy
{
    public string Name => "wrong-label";

    public Tensor Generate(NegativeBatch batch, Generator generator) =>
        overlay.Apply(batch.Images, SampleWrongLabels(batch.Labels, overlay.Classes, generator));

    /// <summary>y + k mod C with k uniform in 1..C−1: uniform over the C−1 wrong labels, never y.</summary>
    public static Tensor SampleWrongLabels(Tensor labels, int classes, Generator generator)
    {
        using var shift = randint(1, classes, labels.shape, generator: generator, dtype: ScalarType.Int64, device: labels.device);
        return labels.add(shift, KeptScalars.One).remainder_(KeptScalars.Of((long)classes));
    }
}
