using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using static FFActors.Core.Tests.Negatives.NegativeTestKit;

namespace FFActors.Core.Tests.Negatives;

/// <summary>Strategies that pair an anchor with another image of the batch.</summary>
public class PairingStrategyTests
{
    const int Rows = 200, Features = 40;
    static readonly LabelOverlay Overlay = new(Value: 2.5);

    static long[] RandomLabels(int rows, ulong seed)
    {
        using var g = new Generator(seed);
        return Longs(randint(0, Classes, [rows], generator: g, dtype: ScalarType.Int64));
    }

    [Fact]
    public void Class_confusion_is_a_different_image_of_another_class_carrying_the_anchors_label()
    {
        using var scope = NewDisposeScope();
        var (x, y) = MakeData(Rows, Features, 1, RandomLabels(Rows, 2));
        var s = new ClassConfusionNegatives(Overlay);
        using var g = new Generator(3);
        var (neg, partners) = s.GenerateDetailed(Batch(s, x, y, Overlay), g);
        var src = Sources(neg, x);
        var labels = Longs(y);
        var (carried, oneHot) = CarriedLabels(neg, 2.5f);
        Assert.Equal(Longs(partners).Select(p => (int)p), src);
        for (int i = 0; i < Rows; i++)
        {
            Assert.True(oneHot[i]);
            Assert.NotEqual(i, src[i]);                   // a different image
            Assert.Equal(labels[i], carried[i]);          // with the anchor's label
            Assert.NotEqual(labels[src[i]], carried[i]);  // which is not the image's own class
        }
        // Partners are spread over the batch, not a fixed permutation of a few rows.
        Assert.True(src.Distinct().Count() > Rows / 2);
    }

    [Fact]
    public void Class_confusion_falls_back_to_wrong_label_when_the_batch_is_one_class()
    {
        using var scope = NewDisposeScope();
        var (x, y) = MakeData(20, Features, 1, Enumerable.Repeat(4L, 20).ToArray());
        var s = new ClassConfusionNegatives(Overlay);
        using var g = new Generator(3);
        var neg = s.Generate(Batch(s, x, y, Overlay), g);
        Assert.Equal(Enumerable.Range(0, 20), Sources(neg, x));
        Assert.All(CarriedLabels(neg, 2.5f).Labels, l => Assert.NotEqual(4L, l));
    }

    [Fact]
    public void Same_class_different_image_is_really_the_same_class_and_another_image_with_a_wrong_label()
    {
        using var scope = NewDisposeScope();
        var labels = RandomLabels(Rows, 5);
        labels[17] = 9; // make class 9 a singleton: the documented fallback
        for (int i = 0; i < Rows; i++) if (i != 17 && labels[i] == 9) labels[i] = 8;
        var (x, y) = MakeData(Rows, Features, 6, labels);
        var s = new SameClassDifferentImageNegatives(Overlay);
        using var g = new Generator(7);
        var (neg, partners, valid) = s.GenerateDetailed(Batch(s, x, y, Overlay), g);
        var src = Sources(neg, x);
        var ok = valid.data<bool>().ToArray();
        var (carried, _) = CarriedLabels(neg, 2.5f);
        Assert.Equal(Longs(partners).Select(p => (int)p), src);
        for (int i = 0; i < Rows; i++)
        {
            Assert.NotEqual(labels[i], carried[i]);
            if (i == 17)
            {
                Assert.False(ok[i]);
                Assert.Equal(i, src[i]); // fallback: own image, wrong label
                continue;
            }
            Assert.True(ok[i]);
            Assert.NotEqual(i, src[i]);
            Assert.Equal(labels[i], labels[src[i]]);
        }
        Assert.True(src.Distinct().Count() > Rows / 2);
    }

    [Fact]
    public void Different_image_wrong_label_uses_another_image_and_a_label_wrong_for_both()
    {
        using var scope = NewDisposeScope();
        var labels = RandomLabels(Rows, 8);
        var (x, y) = MakeData(Rows, Features, 9, labels);
        var s = new DifferentImageWrongLabelNegatives(Overlay);
        using var g = new Generator(10);
        var neg = s.Generate(Batch(s, x, y, Overlay), g);
        var src = Sources(neg, x);
        var (carried, _) = CarriedLabels(neg, 2.5f);
        int sameClassPartners = 0;
        for (int i = 0; i < Rows; i++)
        {
            Assert.NotEqual(i, src[i]);
            Assert.InRange(src[i], 0, Rows - 1);
            Assert.NotEqual(labels[i], carried[i]);
            Assert.NotEqual(labels[src[i]], carried[i]);
            if (labels[src[i]] == labels[i]) sameClassPartners++;
        }
        Assert.True(sameClassPartners > 0, "partners may be of any class");
    }

    [Fact]
    public void Labels_excluding_two_values_are_uniform_over_the_rest()
    {
        using var scope = NewDisposeScope();
        const int n = 36_000;
        var a = full([n], KeptScalars.Of(2L), dtype: ScalarType.Int64);
        var b = full([n], KeptScalars.Of(7L), dtype: ScalarType.Int64);
        using var g = new Generator(1);
        var l = Longs(Sampling.LabelsExcluding(a, b, Classes, g));
        var counts = new int[Classes];
        foreach (var v in l) counts[v]++;
        Assert.Equal(0, counts[2]);
        Assert.Equal(0, counts[7]);
        foreach (int c in Enumerable.Range(0, Classes).Where(c => c != 2 && c != 7))
            Assert.InRange(counts[c], n / 8 * 0.93, n / 8 * 1.07);
        // Equal values exclude one class only.
        var one = Longs(Sampling.LabelsExcluding(a, a, Classes, g));
        Assert.DoesNotContain(2L, one);
        Assert.Contains(7L, one);
        Assert.Contains(9L, one);
    }

    [Fact]
    public void Hybrid_mix_alpha_stays_in_range_and_the_partner_is_of_another_class()
    {
        using var scope = NewDisposeScope();
        var labels = RandomLabels(Rows, 11);
        var (x, y) = MakeData(Rows, Features, 12, labels);
        var s = new HybridMixNegatives(Overlay, 0.3, 0.7);
        using var g = new Generator(13);
        var (neg, partners, alphas) = s.GenerateDetailed(Batch(s, x, y, Overlay), g);
        var a = Floats(alphas);
        var p = Longs(partners);
        Assert.All(a, v => Assert.InRange(v, 0.3f, 0.7f));
        Assert.True(a.Max() - a.Min() > 0.3, "α should vary over U(0.3, 0.7)");
        var (carried, oneHot) = CarriedLabels(neg, 2.5f);
        for (int i = 0; i < Rows; i++)
        {
            Assert.NotEqual(labels[i], labels[p[i]]);
            Assert.True(oneHot[i]);
            Assert.NotEqual(labels[i], carried[i]);
            Assert.NotEqual(labels[p[i]], carried[i]);
        }
        // The image part is exactly the blend.
        var au = alphas.unsqueeze(1);
        var expected = (au * x).add((KeptScalars.Of(1) - au) * x.index_select(0, partners), KeptScalars.One);
        var image = neg.narrow(1, Classes, Features - Classes);
        Assert.True(image.allclose(expected.narrow(1, Classes, Features - Classes), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Hybrid_mix_fixed_alpha_and_label_free_mode()
    {
        using var scope = NewDisposeScope();
        var (x, y) = MakeData(50, Features, 14);
        var s = (HybridMixNegatives)NegativeStrategies.Create("hybrid-mix", Overlay, new Dictionary<string, double> { ["label-free"] = 1 });
        Assert.True(s.LabelFree);
        Assert.Equal(0.5, s.AlphaMin);
        Assert.Equal(0.5, s.AlphaMax);
        using var g = new Generator(15);
        var batch = Batch(s, x, y, Overlay);
        var (neg, _, alphas) = s.GenerateDetailed(batch, g);
        Assert.True(alphas.eq(KeptScalars.Of(0.5f)).all().item<bool>());
        Assert.True(neg.narrow(1, 0, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
        Assert.True(batch.Positives.narrow(1, 0, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridMixNegatives(Overlay, 0.6, 0.4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridMixNegatives(Overlay, 0.5, 1.0));
    }

    [Fact]
    public void Self_contrastive_positives_repeat_the_image_and_negatives_pair_two_different_images()
    {
        using var scope = NewDisposeScope();
        var overlay = new LabelOverlay();
        var (x, y) = MakeData(30, Features, 16);
        var s = new SelfContrastiveNegatives(overlay);
        Assert.True(s.LabelFree);
        Assert.Equal(2 * Features, s.InputWidth(Features));
        var batch = Batch(s, x, y, overlay);
        using var g = new Generator(17);
        var (neg, partners) = s.GenerateDetailed(batch, g);
        var neutral = overlay.Neutral(x);
        Assert.Equal(new long[] { 30, 2 * Features }, batch.Positives.shape);
        Assert.Equal(new long[] { 30, 2 * Features }, neg.shape);
        Assert.True(Tensors.Same(batch.Positives.narrow(1, 0, Features), neutral));
        Assert.True(Tensors.Same(batch.Positives.narrow(1, Features, Features), neutral));
        Assert.True(Tensors.Same(neg.narrow(1, 0, Features), neutral));
        var second = Sources(neg.narrow(1, Features, Features), x);
        Assert.Equal(Longs(partners).Select(p => (int)p), second);
        for (int i = 0; i < 30; i++) Assert.NotEqual(i, second[i]);
    }

    [Fact]
    public void Partner_samplers_handle_rare_classes_and_respect_their_constraints()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 0, 0, 1, 2, 2, 3, 0, 1, 2 });
        using var g = new Generator(3);
        for (int trial = 0; trial < 50; trial++)
        {
            var (other, okOther) = Sampling.OtherClassRows(labels, Classes, g);
            var (same, okSame) = Sampling.SameClassRows(labels, Classes, g);
            var any = Longs(Sampling.OtherRows(10, g, CPU));
            var y = Longs(labels);
            var o = Longs(other);
            var s = Longs(same);
            var vs = okSame.data<bool>().ToArray();
            Assert.True(okOther.all().item<bool>());
            for (int i = 0; i < 10; i++)
            {
                Assert.NotEqual(y[i], y[o[i]]);
                Assert.NotEqual(i, any[i]);
                Assert.InRange(any[i], 0, 9);
                Assert.Equal(y[i] != 3, vs[i]); // class 3 is a singleton
                if (vs[i]) { Assert.NotEqual(i, s[i]); Assert.Equal(y[i], y[s[i]]); }
                else Assert.Equal(i, s[i]);
            }
        }
        Assert.Throws<ArgumentException>(() => Sampling.OtherRows(1, g, CPU));
    }

    [Fact]
    public void Partner_samplers_are_uniform_over_the_allowed_rows()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 0, 1, 1, 1, 2 });
        const int draws = 6000;
        using var g = new Generator(21);
        var other = new int[6];
        var same = new int[6];
        var any = new int[6];
        for (int t = 0; t < draws; t++)
        {
            using var inner = NewDisposeScope();
            other[Longs(Sampling.OtherClassRows(labels, Classes, g).Partner)[0]]++;
            same[Longs(Sampling.SameClassRows(labels, Classes, g).Partner)[2]]++;
            any[Longs(Sampling.OtherRows(6, g, CPU))[5]]++;
        }
        Assert.Equal(0, other[0] + other[1]);
        foreach (int j in new[] { 2, 3, 4, 5 }) Assert.InRange(other[j], draws / 4 * 0.9, draws / 4 * 1.1);
        Assert.Equal(0, same[0] + same[1] + same[2] + same[5]);
        foreach (int j in new[] { 3, 4 }) Assert.InRange(same[j], draws / 2 * 0.93, draws / 2 * 1.07);
        Assert.Equal(0, any[5]);
        foreach (int j in new[] { 0, 1, 2, 3, 4 }) Assert.InRange(any[j], draws / 5 * 0.9, draws / 5 * 1.1);
    }
}
