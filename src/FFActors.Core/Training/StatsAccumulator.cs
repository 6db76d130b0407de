using FFActors.Core.Layers;
namespace FFActors.Core.Training;

/// <summary>Running means of <see cref="LayerStepStats"/> per layer over an epoch.</summary>
public sealed class StatsAccumulator(int layers)
{
    readonly double[,] sums = new double[layers, 5];
    readonly int[] counts = new int[layers];

    public void Add(int layer, LayerStepStats s)
    {
        sums[layer, 0] += s.Loss;
        sums[layer, 1] += s.GoodPos;
        sums[layer, 2] += s.GoodNeg;
        sums[layer, 3] += s.Separation;
        sums[layer, 4] += s.DeadUnits;
        counts[layer]++;
    }

    public IReadOnlyList<LayerEpochStats> Means(Func<int, double> learningRate) =>
        Enumerable.Range(0, counts.Length).Where(l => counts[l] > 0).Select(l => new LayerEpochStats(
            l, sums[l, 0] / counts[l], sums[l, 1] / counts[l], sums[l, 2] / counts[l],
            sums[l, 3] / counts[l], sums[l, 4] / counts[l], learningRate(l))).ToArray();
}
