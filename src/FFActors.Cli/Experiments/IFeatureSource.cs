using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>
/// A frozen feature extractor of the transfer protocol. A new kind of feature arm (e.g. CwC-FF,
/// from the variants issue) implements this and registers a factory in <see cref="FeatureArms"/>.
/// </summary>
public interface IFeatureSource : IDisposable
{
    /// <summary>Layers available (0 when the features are the input itself, as for raw pixels).</summary>
    int LayerCount { get; }

    /// <summary>Features of images x [B, F] (no autograd): the concatenated, normalised activities of <paramref name="layers"/>, or x itself when there are no layers.</summary>
    Tensor Features(Tensor x, int[] layers);

    /// <summary>What the extractor scored on its own (source) task, e.g. source_accuracy; may be empty.</summary>
    IReadOnlyDictionary<string, double> SourceMetrics { get; }

    /// <summary>Its training curves on the source dataset; may be empty.</summary>
    IReadOnlyDictionary<string, double[]> SourceCurves { get; }
}
