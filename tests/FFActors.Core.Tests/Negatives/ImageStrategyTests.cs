using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using static FFActors.Core.Tests.Negatives.NegativeTestKit;

namespace FFActors.Core.Tests.Negatives;

/// <summary>Strategies that corrupt or recombine pixels: Hinton's hybrids, noise, masks.</summary>
public class ImageStrategyTests
{
    static readonly LabelOverlay Overlay = new(Value: 2.5);

    [Fact]
    public void Hinton_hybrid_mask_is_binary_blobby_and_both_sources_contribute()
    {
        using var scope = NewDisposeScope();
        const int rows = 32, features = 784;
        var (x, y) = MakeData(rows, features, 1);
        var s = new HintonHybridNegatives(Overlay);
        var batch = Batch(s, x, y, Overlay);
        using var g = new Generator(2);
        var (neg, partners, masks) = s.GenerateDetailed(batch, g);
        var p = Longs(partners);
        var labels = Longs(y);
        Assert.True((masks.eq(KeptScalars.Of(0)) | masks.eq(KeptScalars.Of(1))).all().item<bool>());
        var on = masks.sum(1).data<float>().ToArray();
        Assert.All(on, v => Assert.InRange(v, 1, features - 1));
        for (int i = 0; i < rows; i++) Assert.NotEqual(labels[i], labels[p[i]]);

        // Every pixel comes from the anchor where the mask is 1 and from the partner where it is 0,
        // and each row takes some pixels from each (the random images differ everywhere).
        var xi = x.narrow(1, Classes, features - Classes);
        var xj = x.index_select(0, partners).narrow(1, Classes, features - Classes);
        var m = masks.narrow(1, Classes, features - Classes).to(ScalarType.Bool);
        var img = neg.narrow(1, Classes, features - Classes);
        Assert.True(where(m, img.eq(xi), img.eq(xj)).all().item<bool>());
        Assert.True((img.eq(xi) & xi.ne(xj)).any(1).all().item<bool>());
        Assert.True((img.eq(xj) & xi.ne(xj)).any(1).all().item<bool>());

        // Label-free: neutral slots on negatives and positives.
        Assert.True(neg.narrow(1, 0, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
        Assert.True(batch.Positives.narrow(1, 0, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());

        // Large regions: neighbours agree far more often than the 50 % of raw random bits.
        var grid = masks.reshape(rows, 28, 28);
        double agreeH = grid.narrow(2, 0, 27).eq(grid.narrow(2, 1, 27)).to(ScalarType.Float32).mean().item<float>();
        double agreeV = grid.narrow(1, 0, 27).eq(grid.narrow(1, 1, 27)).to(ScalarType.Float32).mean().item<float>();
        Assert.True(agreeH > 0.8 && agreeV > 0.8, $"neighbour agreement {agreeH:F2}/{agreeV:F2}: the mask is not blurred");
        var raw = new HintonHybridNegatives(Overlay, blurPasses: 0).Masks(rows, features, g);
        var rawGrid = raw.reshape(rows, 28, 28);
        double rawAgree = rawGrid.narrow(2, 0, 27).eq(rawGrid.narrow(2, 1, 27)).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(rawAgree, 0.45, 0.55);
    }

    [Fact]
    public void Hinton_hybrid_never_returns_a_constant_mask()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        // 2×2 images: a quarter of raw masks are constant (redrawn); after six blurs nearly all are (split).
        foreach (int passes in new[] { 0, 6 })
        {
            var masks = new HintonHybridNegatives(Overlay, blurPasses: passes).Masks(2000, 4, g);
            var on = masks.sum(1);
            Assert.True((on.gt(KeptScalars.Of(0)) & on.lt(KeptScalars.Of(4))).all().item<bool>());
        }
        Assert.Throws<ArgumentException>(() => new HintonHybridNegatives(Overlay).Masks(2, 50, g)); // not square
        Assert.Equal(50, new HintonHybridNegatives(Overlay, height: 5, width: 10).Masks(2, 50, g).shape[1]);
    }

    [Fact]
    public void Matched_noise_has_the_batch_per_pixel_mean_and_std()
    {
        using var scope = NewDisposeScope();
        const int rows = 4000, features = 30;
        using var init = new Generator(5);
        var scale = linspace(0.1, 3, features).unsqueeze(0);
        var offset = linspace(-1, 2, features).unsqueeze(0);
        var x = (randn([rows, features], generator: init) * scale).add(offset, KeptScalars.One);
        var y = (arange(KeptScalars.Of(rows), dtype: ScalarType.Int64)).remainder(KeptScalars.Of(Classes));
        var s = (GaussianNoiseNegatives)NegativeStrategies.Create("gaussian-noise-matched", Overlay);
        Assert.True(s.Matched);
        using var g = new Generator(6);
        var neg = s.Generate(Batch(s, x, y, Overlay), g);
        var pix = neg.narrow(1, Classes, features - Classes);
        var src = x.narrow(1, Classes, features - Classes);
        var (sx, mx) = std_mean(src, [0L], unbiased: false);
        var (sn, mn) = std_mean(pix, [0L], unbiased: false);
        // Standard errors: σ/√n for the mean (≈1.6 % of σ), ≈1.1 % for σ; allow 5 standard errors.
        Assert.True(((mn - mx).abs() / sx).max().item<float>() < 0.08f);
        Assert.True(((sn / sx) - KeptScalars.Of(1)).abs().max().item<float>() < 0.06f);
        // Pure noise: unrelated to the anchor it replaces.
        var corr = ((pix - mn) * (src - mx)).mean([0]) / (sn * sx);
        Assert.True(corr.abs().max().item<float>() < 0.08f);
        var (labels, _) = CarriedLabels(neg, 2.5f);
        var truth = Longs(y);
        for (int i = 0; i < rows; i++) Assert.NotEqual(truth[i], labels[i]);
    }

    [Fact]
    public void Plain_noise_adds_noise_of_the_given_std_to_the_anchor()
    {
        using var scope = NewDisposeScope();
        const int rows = 500, features = 50;
        var (x, y) = MakeData(rows, features, 7);
        var s = new GaussianNoiseNegatives(Overlay, std: 0.3);
        Assert.Equal("gaussian-noise", s.Name);
        using var g = new Generator(8);
        var neg = s.Generate(Batch(s, x, y, Overlay), g);
        var diff = (neg - x).narrow(1, Classes, features - Classes);
        var (sd, md) = std_mean(diff);
        Assert.InRange(sd.item<float>(), 0.29f, 0.31f);
        Assert.InRange(md.item<float>(), -0.01f, 0.01f);
    }

    [Theory]
    [InlineData(MaskMode.Pixels)]
    [InlineData(MaskMode.Blocks)]
    [InlineData(MaskMode.Both)]
    public void Masked_fraction_stays_in_range_and_only_masked_pixels_change(MaskMode mode)
    {
        using var scope = NewDisposeScope();
        const int rows = 64, features = 784;
        var (x, y) = MakeData(rows, features, 9);
        var s = new MaskedNegatives(Overlay, mode, 0.2, 0.4);
        using var g = new Generator(10);
        var masks = s.Masks(rows, features, g);
        Assert.True((masks.eq(KeptScalars.Of(0)) | masks.eq(KeptScalars.Of(1))).all().item<bool>());
        var fraction = (masks.sum(1) / KeptScalars.Of(features)).data<float>().ToArray();
        // Pixels: exactly round(f·F) pixels; blocks: a rectangle whose sides are rounded.
        double slack = mode == MaskMode.Pixels ? 1.0 / features : 0.06;
        Assert.All(fraction, f => Assert.InRange(f, 0.2 - slack, 0.4 + slack));
        Assert.True(fraction.Max() - fraction.Min() > 0.1, "f should vary over U(0.2, 0.4)");

        // Blocks are filled rectangles; pixel masks are scattered.
        var grid = masks.reshape(rows, 28, 28);
        var rowsOn = grid.amax(2);
        var colsOn = grid.amax(1);
        var box = rowsOn.sum(1) * colsOn.sum(1);
        var isBlock = box.eq(masks.sum(1)).data<bool>().ToArray();
        if (mode == MaskMode.Blocks) Assert.All(isBlock, Assert.True);
        if (mode == MaskMode.Pixels) Assert.All(isBlock, Assert.False);
        if (mode == MaskMode.Both) Assert.InRange(isBlock.Count(b => b), 10, rows - 10);

        using var g2 = new Generator(10);
        var neg = s.Generate(Batch(s, x, y, Overlay), g2);
        var m = masks.narrow(1, Classes, features - Classes).to(ScalarType.Bool);
        var img = neg.narrow(1, Classes, features - Classes);
        var orig = x.narrow(1, Classes, features - Classes);
        Assert.True(where(m, img.eq(KeptScalars.Of(0)), img.eq(orig)).all().item<bool>()); // same generator → same masks
        var (labels, _) = CarriedLabels(neg, 2.5f);
        var truth = Longs(y);
        for (int i = 0; i < rows; i++) Assert.NotEqual(truth[i], labels[i]);
    }

    [Fact]
    public void Masked_label_free_never_returns_its_positive_even_on_empty_background()
    {
        using var scope = NewDisposeScope();
        const int rows = 200, features = 784;
        // Digit-like images: zero outside a central 10×10 window, so many blocks land on empty
        // background and would change nothing without the fallback.
        var (x, y) = MakeData(rows, features, 11);
        var window = zeros([28, 28]);
        window.narrow(0, 9, 10).narrow(1, 9, 10).fill_(KeptScalars.Of(1));
        x = x * window.reshape(1, features);
        var blockOnly = new MaskedNegatives(Overlay, MaskMode.Blocks, 0.05, 0.1);
        using (var probe = new Generator(12))
        {
            var m = blockOnly.Masks(rows, features, probe);
            long untouched = (m * x).eq(KeptScalars.Of(0)).all(1).sum().item<long>();
            Assert.True(untouched > 20, $"only {untouched} blocks miss the window: the test would not exercise the fallback");
        }
        var s = new MaskedNegatives(Overlay, MaskMode.Blocks, 0.05, 0.1, labelFree: true);
        Assert.True(s.LabelFree);
        var batch = Batch(s, x, y, Overlay);
        using var g = new Generator(12);
        var neg = s.Generate(batch, g);
        Assert.DoesNotContain(true, RowsEqual(neg, batch.Positives));
        Assert.True(neg.narrow(1, 0, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
    }
}
