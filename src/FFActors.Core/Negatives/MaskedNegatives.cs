using FFActors.Core.Data;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// The anchor with a fraction f ~ U(fractionMin, fractionMax) of it set to 0. Zero is the dataset
/// mean under mean/std normalisation and the background under unit scaling. The pixels are chosen
/// at random or as one block (see <see cref="MaskMode"/>). By default the result carries a label
/// that is wrong for the anchor. With <c>labelFree</c> it carries the neutral overlay and the
/// positives do too.
/// </summary>
/// <remarks>
/// The seed's "masked" masked pixels and also overlaid a wrong label. The masked region is visible
/// without the label (its pixel statistics are not those of a digit), so the network could learn
/// "masked = negative" instead of the label: 30.97 %, the worst row of its table. Use it to measure
/// that shortcut; do not expect it to compete. In label-free mode a row whose masked pixels were
/// already 0 (a block over empty background) would equal its positive. Such rows get a fresh pixel
/// mask instead.
/// </remarks>
public sealed class MaskedNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;
    readonly int? height, width;

    public MaskedNegatives(LabelOverlay overlay, MaskMode mode = MaskMode.Both, double fractionMin = 0.25, double fractionMax = 0.5,
        bool labelFree = false, int? height = null, int? width = null)
    {
        if (!(fractionMin > 0 && fractionMin <= fractionMax && fractionMax <= 1))
            throw new ArgumentOutOfRangeException(nameof(fractionMin), $"masked: need 0 < fraction-min ≤ fraction-max ≤ 1 (got {fractionMin}, {fractionMax})");
        this.overlay = overlay;
        Mode = mode;
        FractionMin = fractionMin;
        FractionMax = fractionMax;
        LabelFree = labelFree;
        this.height = height;
        this.width = width;
    }

    public string Name => Mode switch { MaskMode.Pixels => "masked-pixels", MaskMode.Blocks => "masked-blocks", _ => "masked" };
    public MaskMode Mode { get; }
    public double FractionMin { get; }
    public double FractionMax { get; }
    public bool LabelFree { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator)
    {
        var pinned = Sampling.Pinned(overlay, batch.Images);
        using var scope = NewDisposeScope();
        var x = batch.Images;
        var mask = Masks(x.shape[0], x.shape[1], generator, x.device).to(x.dtype);
        var image = x * (KeptScalars.Of(1) - mask);
        if (LabelFree)
        {
            var unchanged = image.eq(x).all(1);
            if (unchanged.any().item<bool>())
                image = where(unchanged.unsqueeze(1), x * (KeptScalars.Of(1) - PixelMasks(x.shape[0], x.shape[1], generator, x.device).to(x.dtype)), image);
        }
        var negatives = LabelFree
            ? overlay.Neutral(image)
            : pinned.Apply(image, WrongLabelNegatives.SampleWrongLabels(batch.Labels, overlay.Classes, generator));
        return negatives.MoveToOuterDisposeScope();
    }

    /// <summary>Float masks [rows, features], 1 = zeroed.</summary>
    public Tensor Masks(long rows, long features, Generator generator, Device? device = null)
    {
        switch (Mode)
        {
            case MaskMode.Pixels: return PixelMasks(rows, features, generator, device);
            case MaskMode.Blocks: return BlockMasks(rows, features, generator, device);
            default:
                using (var scope = NewDisposeScope())
                {
                    var pixels = PixelMasks(rows, features, generator, device);
                    var blocks = BlockMasks(rows, features, generator, device);
                    var usePixels = rand([rows], generator: generator, device: device) < KeptScalars.Of(0.5);
                    return where(usePixels.unsqueeze(1), pixels, blocks).MoveToOuterDisposeScope();
                }
        }
    }

    Tensor PixelMasks(long rows, long features, Generator generator, Device? device)
    {
        using var scope = NewDisposeScope();
        var f = Sampling.UniformIn(rows, FractionMin, FractionMax, generator, device ?? CPU);
        var k = (f.to(ScalarType.Float64) * KeptScalars.Of(features)).round().to(ScalarType.Int64).clamp(KeptScalars.Of(1), KeptScalars.Of(features));
        var scores = rand([rows, features], generator: generator, device: device);
        var threshold = scores.sort(1).Values.gather(1, (k - KeptScalars.Of(1)).unsqueeze(1));
        return (scores <= threshold).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    Tensor BlockMasks(long rows, long features, Generator generator, Device? device)
    {
        var (h, w) = Sampling.Geometry(features, height, width, Name);
        using var scope = NewDisposeScope();
        var f = Sampling.UniformIn(rows, FractionMin, FractionMax, generator, device ?? CPU).to(ScalarType.Float64);
        var area = f * KeptScalars.Of((double)h * w);
        var bh = area.sqrt().round().clamp(KeptScalars.Of(1), KeptScalars.Of(h));
        var bw = (area / bh).round().clamp(KeptScalars.Of(1), KeptScalars.Of(w));
        var top = Sampling.UniformBelow((KeptScalars.Of(h) - bh).add(KeptScalars.Of(1), KeptScalars.One).to(ScalarType.Int64), generator);
        var left = Sampling.UniformBelow((KeptScalars.Of(w) - bw).add(KeptScalars.Of(1), KeptScalars.One).to(ScalarType.Int64), generator);
        var r = arange(KeptScalars.Of(h), dtype: ScalarType.Int64, device: device).reshape(1, h, 1);
        var c = arange(KeptScalars.Of(w), dtype: ScalarType.Int64, device: device).reshape(1, 1, w);
        var bhl = bh.to(ScalarType.Int64);
        var bwl = bw.to(ScalarType.Int64);
        var inRows = (r >= top.reshape(-1, 1, 1)) & (r < top.add(bhl, KeptScalars.One).reshape(-1, 1, 1));
        var inCols = (c >= left.reshape(-1, 1, 1)) & (c < left.add(bwl, KeptScalars.One).reshape(-1, 1, 1));
        return (inRows & inCols).to(ScalarType.Float32).reshape(rows, features).MoveToOuterDisposeScope();
    }
}
