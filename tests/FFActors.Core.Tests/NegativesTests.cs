using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests;

public class NegativesTests
{
    const int Classes = 10;

    [Fact]
    public void SampleWrongLabels_never_returns_the_true_label_and_is_uniform_over_the_others()
    {
        using var scope = NewDisposeScope();
        const int perClass = 20_000;
        var labels = arange(KeptScalars.Of(Classes * perClass), dtype: ScalarType.Int64).remainder_(KeptScalars.Of(Classes));
        using var gen = new Generator(12345);
        var wrong = WrongLabelNegatives.SampleWrongLabels(labels, Classes, gen);

        Assert.Equal(labels.shape, wrong.shape);
        Assert.Equal(ScalarType.Int64, wrong.dtype);
        var y = Tensors.Longs(labels);
        var w = Tensors.Longs(wrong);
        var counts = new long[Classes, Classes];
        for (int i = 0; i < y.Length; i++)
        {
            Assert.InRange(w[i], 0, Classes - 1);
            counts[y[i], w[i]]++;
        }

        // Never the true label; each of the 9 others ≈ perClass / 9, checked by a chi-square
        // test over the 10 × 9 cells (80 degrees of freedom; the 0.1 % critical value is 124.8).
        double expected = perClass / (double)(Classes - 1);
        double chi2 = 0;
        for (int c = 0; c < Classes; c++)
        {
            Assert.Equal(0, counts[c, c]);
            for (int k = 0; k < Classes; k++)
            {
                if (k == c) continue;
                Assert.InRange(counts[c, k], (long)(expected * 0.9), (long)(expected * 1.1));
                chi2 += Math.Pow(counts[c, k] - expected, 2) / expected;
            }
        }
        Assert.True(chi2 < 124.8, $"chi-square {chi2:F1} over 80 dof: wrong labels are not uniform");
    }

    [Fact]
    public void SampleWrongLabels_is_reproducible_from_the_generator_seed()
    {
        using var scope = NewDisposeScope();
        var labels = arange(KeptScalars.Of(1000), dtype: ScalarType.Int64).remainder_(KeptScalars.Of(Classes));
        using var a = new Generator(7);
        using var b = new Generator(7);
        using var c = new Generator(8);
        var wa = WrongLabelNegatives.SampleWrongLabels(labels, Classes, a);
        Assert.True(Same(wa, WrongLabelNegatives.SampleWrongLabels(labels, Classes, b)));
        Assert.False(Same(wa, WrongLabelNegatives.SampleWrongLabels(labels, Classes, c)));
    }

    [Fact]
    public void Generate_overlays_a_wrong_label_on_the_same_image()
    {
        using var scope = NewDisposeScope();
        const int n = 500, features = 30;
        using var init = new Generator(3);
        var images = rand([n, features], generator: init);
        var labels = arange(KeptScalars.Of(n), dtype: ScalarType.Int64).remainder_(KeptScalars.Of(Classes));
        var overlay = new LabelOverlay(Value: 1.0);
        var strategy = new WrongLabelNegatives(overlay);
        Assert.Equal("wrong-label", strategy.Name);
        Assert.IsType<WrongLabelNegatives>(NegativeStrategies.Create("wrong-label", overlay));

        using var gen = new Generator(99);
        var positives = overlay.Apply(images, labels);
        var neg = strategy.Generate(new NegativeBatch(images, labels, positives), gen);

        Assert.Equal(new long[] { n, features }, neg.shape);
        var slots = neg.narrow(1, 0, Classes);
        // Exactly one slot is on (1.0), and it is not the true label.
        Assert.True(Same(slots.sum(1), ones(n)));
        var chosen = Tensors.Longs(slots.argmax(1));
        var y = Tensors.Longs(labels);
        for (int i = 0; i < n; i++) Assert.NotEqual(y[i], chosen[i]);
        // The image part is the image itself.
        Assert.True(Same(neg.narrow(1, Classes, features - Classes), images.narrow(1, Classes, features - Classes)));
    }

    [Fact]
    public void Unknown_strategy_name_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => NegativeStrategies.Create("hybrid", new LabelOverlay()));
        Assert.Contains("hybrid", e.Message);
    }
}
