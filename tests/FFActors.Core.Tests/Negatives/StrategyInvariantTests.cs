using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using static FFActors.Core.Tests.Negatives.NegativeTestKit;

namespace FFActors.Core.Tests.Negatives;

/// <summary>Invariants every strategy must keep, checked for every configured name.</summary>
public class StrategyInvariantTests
{
    const int Rows = 60, Features = 64; // 8×8 images, so the geometric strategies work too

    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in NegativeStrategies.Names) data.Add(n);
        return data;
    }

    /// <summary>Strategies whose negatives carry a label that is wrong for the image's own anchor.</summary>
    static readonly HashSet<string> WrongForAnchor =
    [
        "wrong-label", "hard-label", "different-image-wrong-label", "same-class-different-image", "hybrid-mix",
        "gaussian-noise", "gaussian-noise-matched", "masked", "masked-pixels", "masked-blocks", "adversarial",
        "learned-generator",
    ];

    static Tensor Run(string name, ulong seed, LabelOverlay overlay, out NegativeBatch batch, out INegativeStrategy strategy)
    {
        strategy = NegativeStrategies.Create(name, overlay);
        var (images, labels) = MakeData(Rows, Features, 11);
        var net = Network(strategy.InputWidth(Features));
        var model = new NetworkView(net, [0, 1]);
        batch = Batch(strategy, images, labels, overlay, model);
        using var g = new Generator(seed);
        var negatives = strategy.Generate(batch, g);
        (strategy as IDisposable)?.Dispose();
        net.Dispose();
        return negatives;
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Factory_builds_the_named_strategy(string name)
    {
        var s = NegativeStrategies.Create(name, new LabelOverlay());
        Assert.Equal(name, s.Name);
        Assert.True(NegativeStrategies.Parameters.ContainsKey(name));
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void No_negative_equals_its_positive_and_shapes_match(string name)
    {
        using var scope = NewDisposeScope();
        var overlay = new LabelOverlay(); // on value = batch maximum: the pinning case
        var neg = Run(name, 1, overlay, out var batch, out var strategy);
        Assert.Equal(batch.Positives.shape, neg.shape);
        Assert.Equal(new long[] { Rows, strategy.InputWidth(Features) }, neg.shape);
        Assert.Equal(ScalarType.Float32, neg.dtype);
        var equal = RowsEqual(neg, batch.Positives);
        Assert.DoesNotContain(true, equal);
        Assert.False(neg.isnan().any().item<bool>());
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Label_slots_are_one_hot_with_the_positives_value_or_neutral_when_label_free(string name)
    {
        using var scope = NewDisposeScope();
        var overlay = new LabelOverlay();
        var neg = Run(name, 2, overlay, out var batch, out var strategy);
        var y = Longs(batch.Labels);
        if (strategy.LabelFree)
        {
            // Label-free: positives and negatives carry the same neutral slots (no shortcut there).
            long width = neg.shape[1];
            for (long start = 0; start < width; start += Features)
            {
                Assert.True(neg.narrow(1, start, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
                Assert.True(batch.Positives.narrow(1, start, Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
            }
            return;
        }
        float on = batch.Images.max().item<float>();
        Assert.Equal(on, batch.Positives.narrow(1, 0, Classes).max().item<float>());
        var (carried, oneHot) = CarriedLabels(neg, on);
        Assert.All(oneHot, Assert.True); // same "on" value as the positives, exactly one slot
        if (WrongForAnchor.Contains(name))
            for (int i = 0; i < Rows; i++) Assert.NotEqual(y[i], carried[i]);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Same_generator_seed_gives_the_same_negatives(string name)
    {
        using var scope = NewDisposeScope();
        var overlay = new LabelOverlay(Value: 1.0);
        var a = Run(name, 42, overlay, out _, out var strategy);
        var b = Run(name, 42, overlay, out _, out _);
        Assert.True(Tensors.Same(a, b));
        // The generator matters (hard mining only draws from it for fallback rows; adversarial
        // draws the starting wrong labels).
        if (name != "hard-mining")
            Assert.False(Tensors.Same(a, Run(name, 43, overlay, out _, out _)));
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Strategies_that_need_the_network_say_so_and_fail_clearly_without_it(string name)
    {
        using var scope = NewDisposeScope();
        var overlay = new LabelOverlay();
        var strategy = NegativeStrategies.Create(name, overlay);
        var (images, labels) = MakeData(Rows, Features, 3);
        var batch = Batch(strategy, images, labels, overlay, model: null);
        using var g = new Generator(1);
        bool expected = name is "hard-label" or "adversarial" or "hard-mining" or "learned-generator";
        Assert.Equal(expected, strategy.NeedsModel);
        if (expected)
        {
            var e = Assert.Throws<InvalidOperationException>(() => strategy.Generate(batch, g));
            Assert.Contains(name, e.Message);
        }
        else
        {
            Assert.Equal(Rows, strategy.Generate(batch, g).shape[0]);
        }
    }

    [Fact]
    public void Label_free_strategies_are_declared_and_get_neutral_positives()
    {
        var overlay = new LabelOverlay();
        var free = NegativeStrategies.Names.Where(n => NegativeStrategies.Create(n, overlay).LabelFree).Order().ToArray();
        Assert.Equal(new[] { "hinton-hybrid", "self-contrastive" }, free);
        using var scope = NewDisposeScope();
        var (images, labels) = MakeData(8, Features, 1);
        var pos = NegativeStrategies.Create("hinton-hybrid", overlay).BuildPositives(images, labels, overlay);
        Assert.True(Tensors.Same(pos, overlay.Neutral(images)));
        var supervised = NegativeStrategies.Create("wrong-label", overlay).BuildPositives(images, labels, overlay);
        Assert.True(Tensors.Same(supervised, overlay.Apply(images, labels)));
    }
}
