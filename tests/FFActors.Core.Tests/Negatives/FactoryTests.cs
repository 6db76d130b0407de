using FFActors.Core.Data;
using FFActors.Core.Negatives;

namespace FFActors.Core.Tests.Negatives;

public class FactoryTests
{
    static readonly LabelOverlay Overlay = new();

    static INegativeStrategy Make(string name, params (string Key, double Value)[] p) =>
        NegativeStrategies.Create(name, Overlay, p.ToDictionary(kv => kv.Key, kv => kv.Value));

    [Fact]
    public void Parameters_reach_the_strategies()
    {
        var h = (HybridMixNegatives)Make("hybrid-mix", ("alpha-min", 0.2), ("alpha-max", 0.8));
        Assert.Equal((0.2, 0.8), (h.AlphaMin, h.AlphaMax));
        var fixedAlpha = (HybridMixNegatives)Make("hybrid-mix", ("alpha", 0.3));
        Assert.Equal((0.3, 0.3), (fixedAlpha.AlphaMin, fixedAlpha.AlphaMax));
        var m = (MaskedNegatives)Make("masked-blocks", ("fraction-min", 0.1), ("fraction-max", 0.2), ("label-free", 1));
        Assert.Equal((MaskMode.Blocks, 0.1, 0.2, true), (m.Mode, m.FractionMin, m.FractionMax, m.LabelFree));
        Assert.Equal(MaskMode.Both, ((MaskedNegatives)Make("masked")).Mode);
        Assert.Equal(MaskMode.Pixels, ((MaskedNegatives)Make("masked-pixels")).Mode);
        var n = (GaussianNoiseNegatives)Make("gaussian-noise", ("std", 0.7));
        Assert.Equal((0.7, false), (n.Std, n.Matched));
        var a = (AdversarialNegatives)Make("adversarial", ("epsilon", 0.1), ("steps", 1));
        Assert.Equal((0.1, 1, 0.1), (a.Epsilon, a.Steps, a.Step));
        Assert.Equal(0.5 * 2.5 / 5, ((AdversarialNegatives)Make("adversarial")).Step, 12);
        using var hm = (HardMiningNegatives)Make("hard-mining", ("bank", 500));
        Assert.Equal(500, hm.BankSize);
        Assert.Equal(0.5, ((HardLabelNegatives)Make("hard-label", ("temperature", 0.5))).Temperature);
        Assert.Equal(3, ((HintonHybridNegatives)Make("hinton-hybrid", ("blur-passes", 3))).BlurPasses);
    }

    [Fact]
    public void Bad_parameters_are_rejected_with_the_strategy_and_key_named()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Make("hybrid-mix", ("alpha-mni", 0.2)));
        Assert.Contains("alpha-mni", unknown.Message);
        Assert.Contains("alpha-min", unknown.Message); // lists the known ones
        var none = Assert.Throws<ArgumentException>(() => Make("wrong-label", ("std", 1)));
        Assert.Contains("known: none", none.Message);
        Assert.Throws<ArgumentException>(() => Make("hard-mining", ("bank", 2.5)));
        Assert.Throws<ArgumentException>(() => Make("masked", ("label-free", 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Make("masked", ("fraction-min", 0.6), ("fraction-max", 0.4)));
        Assert.Throws<ArgumentException>(() => NegativeStrategies.Create("no-such-strategy", Overlay));
    }

    [Fact]
    public void Every_name_lists_its_parameters()
    {
        Assert.Equal(NegativeStrategies.Names.Order(), NegativeStrategies.Parameters.Keys.Order());
        Assert.Empty(NegativeStrategies.Parameters["wrong-label"]);
        Assert.Contains("bank", NegativeStrategies.Parameters["hard-mining"]);
        Assert.Contains("epsilon", NegativeStrategies.Parameters["adversarial"]);
        Assert.Contains("label-free", NegativeStrategies.Parameters["gaussian-noise-matched"]);
        Assert.DoesNotContain("std", NegativeStrategies.Parameters["gaussian-noise-matched"]);
    }
}
