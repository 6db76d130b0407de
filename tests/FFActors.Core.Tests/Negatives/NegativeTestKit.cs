using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Negatives;

/// <summary>Small batches, a tiny network and exact row matching for the strategy tests.</summary>
static class NegativeTestKit
{
    public const int Classes = 10;

    /// <summary>
    /// Random images [B, F] (every row distinct, values in roughly −0.5..2.5 like normalised MNIST)
    /// and labels [B]; balanced labels unless <paramref name="labels"/> is given. Call inside a dispose scope.
    /// </summary>
    public static (Tensor Images, Tensor Labels) MakeData(int rows, int features, ulong seed, long[]? labels = null)
    {
        using var g = new Generator(seed);
        var images = rand([rows, features], generator: g) * KeptScalars.Of(3) - KeptScalars.Of(0.5);
        var y = labels is null
            ? (arange(KeptScalars.Of(rows), dtype: ScalarType.Int64) * KeptScalars.Of(7)).remainder(KeptScalars.Of(Classes))
            : tensor(labels);
        return (images, y);
    }

    /// <summary>The batch a trainer would hand to <paramref name="strategy"/> (positives from the strategy itself).</summary>
    public static NegativeBatch Batch(INegativeStrategy strategy, Tensor images, Tensor labels, LabelOverlay overlay, INegativeModel? model = null) =>
        new(images, labels, strategy.BuildPositives(images, labels, overlay), model);

    /// <summary>A small two-layer FF network for <paramref name="features"/> inputs (deterministic from the seed).</summary>
    public static FFNetwork Network(int features, long seed = 5) =>
        new(new ModelOptions([features, 16, 16]), new OptimizerOptions(), seed, CPU);

    /// <summary>Per row: is row i of a bitwise-equal to row i of b?</summary>
    public static bool[] RowsEqual(Tensor a, Tensor b) => a.eq(b).all(1).data<bool>().ToArray();

    /// <summary>
    /// For each row of <paramref name="candidates"/>, the row of <paramref name="images"/> it copies,
    /// judged on the columns after the label slots; −1 if none (or more than one) matches.
    /// </summary>
    public static int[] Sources(Tensor candidates, Tensor images)
    {
        long f = images.shape[1];
        var a = candidates.narrow(1, Classes, f - Classes).unsqueeze(1);
        var b = images.narrow(1, Classes, f - Classes).unsqueeze(0);
        var match = a.eq(b).all(2); // [N, B]
        var count = match.sum(1).data<long>().ToArray();
        var first = match.to(ScalarType.Int64).argmax(1).data<long>().ToArray();
        return count.Select((n, i) => n == 1 ? (int)first[i] : -1).ToArray();
    }

    /// <summary>The label carried by each row (argmax of the slots) and whether exactly one slot is on with value <paramref name="on"/>.</summary>
    public static (long[] Labels, bool[] OneHot) CarriedLabels(Tensor x, float on)
    {
        var slots = x.narrow(1, 0, Classes);
        var labels = slots.argmax(1).data<long>().ToArray();
        var oneHot = (slots.eq(KeptScalars.Of(on)).sum(1).eq(KeptScalars.Of(1)) & slots.eq(KeptScalars.Of(0)).sum(1).eq(KeptScalars.Of(Classes - 1))).data<bool>().ToArray();
        return (labels, oneHot);
    }

    public static long[] Longs(Tensor t) => Tensors.Longs(t);
    public static float[] Floats(Tensor t) => Tensors.Floats(t);
}

/// <summary>A model whose per-label scores are given directly (Goodness is not used by the strategies that take it).</summary>
sealed class ScriptedModel(Func<Tensor, Tensor> scores) : INegativeModel
{
    public int ScoreCalls { get; private set; }
    public Tensor Goodness(Tensor inputs) => throw new NotSupportedException("scripted model: scores only");
    public Tensor Scores(Tensor images, LabelOverlay overlay)
    {
        ScoreCalls++;
        return scores(images);
    }
}
