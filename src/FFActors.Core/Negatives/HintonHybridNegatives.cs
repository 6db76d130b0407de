using FFActors.Core.Data;
using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Negatives;

/// <summary>
/// Hinton's unsupervised negatives (2022, §3.2): two images of different classes joined through a
/// mask with large regions of ones and zeros, m·x_i + (1 − m)·x_j. To make the mask, start from a
/// random bit image, blur it <c>blurPasses</c> times with [1/4, 1/2, 1/4] horizontally and
/// vertically, then threshold at 0.5. The images' local statistics are those of real digits, so
/// only the long-range shape says "negative". The strategy is label-free: negatives and positives
/// both carry the neutral overlay.
/// </summary>
/// <remarks>
/// The seed's "hybrid_mix" blended whole images (α = 0.5) and carried a label; this is Hinton's
/// masked, label-free version (the α-blend is <see cref="HybridMixNegatives"/>). Labels
/// are used only to pick a partner of another class; if the batch is one class, any other image
/// is used. Borders are blurred with replicate padding, which does not bias the mask toward either
/// source at the edges. A mask that came out all ones or all zeros is redrawn (at most 10 times),
/// then replaced by a left/right split, so that both images always contribute.
/// </remarks>
public sealed class HintonHybridNegatives : INegativeStrategy
{
    readonly LabelOverlay overlay;
    readonly int? height, width;

    public HintonHybridNegatives(LabelOverlay overlay, int blurPasses = 6, int? height = null, int? width = null)
    {
        if (blurPasses < 0) throw new ArgumentOutOfRangeException(nameof(blurPasses), "hinton-hybrid: blur-passes must be ≥ 0");
        this.overlay = overlay;
        BlurPasses = blurPasses;
        this.height = height;
        this.width = width;
    }

    public string Name => "hinton-hybrid";
    public bool LabelFree => true;
    public int BlurPasses { get; }

    public Tensor Generate(NegativeBatch batch, Generator generator) => GenerateDetailed(batch, generator).Negatives;

    /// <summary>The negatives, each row's partner, and the masks [B, F] (1 = pixel from x_i, 0 = from the partner).</summary>
    public (Tensor Negatives, Tensor Partners, Tensor Masks) GenerateDetailed(NegativeBatch batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = batch.Images;
        var (partner, valid) = Sampling.OtherClassRows(batch.Labels, overlay.Classes, generator);
        if (!valid.all().item<bool>())
            partner = where(valid, partner, Sampling.OtherRows(x.shape[0], generator, x.device));
        var mask = Masks(x.shape[0], x.shape[1], generator, x.device).to(x.dtype);
        var negatives = overlay.Neutral((mask * x).add(mask.neg().add_(KeptScalars.One, KeptScalars.One) * x.index_select(0, partner), KeptScalars.One));
        return (negatives.MoveToOuterDisposeScope(), partner.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>Binary float masks [rows, features], none of them constant.</summary>
    public Tensor Masks(long rows, long features, Generator generator, Device? device = null)
    {
        var (h, w) = Sampling.Geometry(features, height, width, Name);
        using var scope = NewDisposeScope();
        var mask = Draw(rows, h, w, generator, device);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var constant = Constant(mask, features);
            if (!constant.any().item<bool>()) return mask.MoveToOuterDisposeScope();
            mask = where(constant.unsqueeze(1), Draw(rows, h, w, generator, device), mask);
        }
        var split = arange(KeptScalars.Of(w), device: device).lt(KeptScalars.Of(w / 2.0)).to(ScalarType.Float32).repeat(h).unsqueeze(0);
        return where(Constant(mask, features).unsqueeze(1), split, mask).MoveToOuterDisposeScope();
    }

    static Tensor Constant(Tensor mask, long features)
    {
        var on = mask.sum([1]);
        return on.eq(KeptScalars.Of(0L)) | on.eq(KeptScalars.Of(features));
    }

    Tensor Draw(long rows, int h, int w, Generator generator, Device? device)
    {
        var x = rand([rows, 1, h, w], generator: generator, device: device).lt(KeptScalars.Of(0.5)).to(ScalarType.Float32);
        var kernel = tensor(new float[] { 0.25f, 0.5f, 0.25f }, device: device);
        var horizontal = kernel.reshape(1, 1, 1, 3);
        var vertical = kernel.reshape(1, 1, 3, 1);
        for (int p = 0; p < BlurPasses; p++)
        {
            x = nn.functional.conv2d(nn.functional.pad(x, [1, 1, 0, 0], PaddingModes.Replicate), horizontal);
            x = nn.functional.conv2d(nn.functional.pad(x, [0, 0, 1, 1], PaddingModes.Replicate), vertical);
        }
        return x.gt(KeptScalars.Of(0.5)).to(ScalarType.Float32).reshape(rows, (long)h * w);
    }
}
