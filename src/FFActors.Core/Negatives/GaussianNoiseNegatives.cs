using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Gaussian-noise negatives, in two modes.
/// <list type="bullet">
/// <item><c>gaussian-noise</c> (plain): the anchor plus N(0, std²) noise on every pixel.</item>
/// <item><c>gaussian-noise-matched</c>: pure noise with the batch's per-pixel statistics. Pixel p
/// is drawn from N(μ_p, σ_p²), where μ_p and σ_p are the mean and (population) standard deviation
/// of pixel p over the batch.</item>
/// </list>
/// By default the negative carries a label that is wrong for the anchor. With <c>labelFree</c> it
/// carries the neutral overlay and the positives do too.
/// </summary>
/// <remarks>
/// The seed's "noise_augmented" added noise to the image and also overlaid a wrong label. Noisy
/// pixel statistics tell negatives from positives without looking at the label, a shortcut that
/// need not teach the label (its table: 46.10 %). The matched mode removes the first- and
/// second-order per-pixel shortcut. Correlations between pixels still differ from real images.
/// </remarks>
public sealed class GaussianNoiseNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;

    public GaussianNoiseNegatives(LabelOverlay overlay, double std = 1.0, bool matched = false, bool labelFree = false)
    {
        if (!(std > 0) || double.IsInfinity(std)) throw new ArgumentOutOfRangeException(nameof(std), "gaussian-noise: std must be > 0");
        this.overlay = overlay;
        Std = std;
        Matched = matched;
        LabelFree = labelFree;
    }

    public string Name => Matched ? "gaussian-noise-matched" : "gaussian-noise";
    /// <summary>Noise standard deviation of the plain mode (the matched mode uses the batch's σ_p).</summary>
    public double Std { get; }
    public bool Matched { get; }
    public bool LabelFree { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var x = batch.Images;
        var noise = randn(x.shape, generator: generator, dtype: x.dtype, device: x.device);
        Tensor image;
        if (Matched)
        {
            var (std, mean) = std_mean(x, [0L], unbiased: false, keepdim: true);
            image = mean.add(std * noise, KeptScalars.One);
        }
        else
        {
            image = x.add(KeptScalars.Of(Std) * noise, KeptScalars.One);
        }
        var negatives = LabelFree
            ? overlay.Neutral(image)
            : pinned.Apply(image, WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator));
        return negatives.MoveToOuterDisposeScope();
    }
}
