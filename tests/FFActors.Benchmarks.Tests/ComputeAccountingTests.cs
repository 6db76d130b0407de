using FFActors.Benchmarks;

namespace FFActors.Benchmarks.Tests;

/// <summary><c>ffactors bench compute</c>'s accounting: the FLOP formulas on a network small enough to count by hand, and where a curve crosses a target.</summary>
public class ComputeAccountingTests
{
    // [4, 3, 2]: 4·3 + 3·2 = 18 multiply-adds per forward pass; the backprop MLP adds its output layer 2·10 = 20.
    static readonly int[] Tiny = [4, 3, 2];

    static ComputePoint Point(double epoch, double accuracy, double seconds = 1) =>
        new(epoch, (long)(epoch * 100), seconds, epoch * 1000, accuracy, [seconds]);

    [Fact]
    public void FF_training_counts_eight_flops_per_weight_and_evaluation_a_forward_pass_per_class_up_to_the_deepest_score_layer()
    {
        Assert.Equal(18, ComputeAccounting.MultiplyAdds(Tiny));
        Assert.Equal(8 * 18, ComputeAccounting.FFTrainFlopsPerSample(Tiny));
        // Score layers [1] (both layers): 10 classes × 2 × 18.
        Assert.Equal(360, ComputeAccounting.FFEvalFlopsPerSample(Tiny, 10, deepestScoreLayer: 1));
        // Scoring layer 0 alone never runs layer 1: 10 × 2 × 12.
        Assert.Equal(240, ComputeAccounting.FFEvalFlopsPerSample(Tiny, 10, deepestScoreLayer: 0));
    }

    [Fact]
    public void Backprop_counts_six_flops_per_weight_including_the_output_layer_and_one_forward_pass_to_evaluate()
    {
        Assert.Equal([4, 3, 2, 10], ComputeAccounting.BackpropWidths(Tiny, 10));
        Assert.Equal(6 * 38, ComputeAccounting.BackpropTrainFlopsPerSample(Tiny, 10));
        Assert.Equal(2 * 38, ComputeAccounting.BackpropEvalFlopsPerSample(Tiny, 10));
        // The reference network: FF 22.27 MFLOP per training sample, backprop 16.76.
        int[] reference = [784, 1000, 1000, 1000];
        Assert.Equal(8 * 2_784_000.0, ComputeAccounting.FFTrainFlopsPerSample(reference));
        Assert.Equal(6 * 2_794_000.0, ComputeAccounting.BackpropTrainFlopsPerSample(reference, 10));
    }

    [Fact]
    public void A_target_is_crossed_at_the_first_check_reaching_it_even_when_accuracy_dips_later()
    {
        var curve = new[] { Point(1, 0.5), Point(2, 0.97), Point(3, 0.965), Point(4, 0.981) };
        Assert.Equal(2, ComputeAccounting.FirstReaching(curve, 0.97)!.Epoch);
        Assert.Equal(4, ComputeAccounting.FirstReaching(curve, 0.98)!.Epoch);
        Assert.Null(ComputeAccounting.FirstReaching(curve, 0.99));
        Assert.Null(ComputeAccounting.FirstReaching([], 0.5));
    }

    [Fact]
    public void Ratios_are_FF_over_backprop_and_absent_when_either_never_reached_the_target()
    {
        var both = new ComputeCrossing(0.97, Point(6, 0.97, seconds: 60), Point(0.5, 0.971, seconds: 20));
        Assert.Equal(3, both.SecondsRatio!.Value, 12);
        Assert.Equal(600.0 / 50, both.SamplesRatio!.Value, 12);
        Assert.Equal(6000.0 / 500, both.FlopsRatio!.Value, 12);
        var ffNever = new ComputeCrossing(0.98, null, Point(1, 0.98));
        Assert.Null(ffNever.SecondsRatio);
        Assert.Null(ffNever.SamplesRatio);
        Assert.Null(ffNever.FlopsRatio);
    }
}
