using static TorchSharp.torch;

namespace FFActors.Cli.Experiments;

/// <summary>The raw (normalised) pixels: what a linear probe gets from the input itself, without any learned features.</summary>
sealed class PixelFeatures : IFeatureSource
{
    public int LayerCount => 0;

    public Tensor Features(Tensor x, int[] layers) => x.alias();

    public IReadOnlyDictionary<string, double> SourceMetrics { get; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, double[]> SourceCurves { get; } = new Dictionary<string, double[]>();

    public void Dispose() { }
}
