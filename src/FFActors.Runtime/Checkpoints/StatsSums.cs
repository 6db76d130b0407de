using FFActors.Core.Layers;
using FFActors.Core.Training;

namespace FFActors.Runtime.Checkpoints;

/// <summary>Per-layer sums of step statistics over the batches of an epoch so far.</summary>
public sealed class StatsSums
{
    readonly double[] sums;
    readonly int[] counts;

    public int Layers => counts.Length;

    public StatsSums(int layers)
    {
        sums = new double[layers * 5];
        counts = new int[layers];
    }

    StatsSums(double[] sums, int[] counts)
    {
        this.sums = sums;
        this.counts = counts;
    }

    public void Add(int layer, LayerStepStats s)
    {
        int o = layer * 5;
        sums[o] += s.Loss;
        sums[o + 1] += s.GoodPos;
        sums[o + 2] += s.GoodNeg;
        sums[o + 3] += s.Separation;
        sums[o + 4] += s.DeadUnits;
        counts[layer]++;
    }

    /// <summary>Means per layer, like <see cref="StatsAccumulator.Means"/>.</summary>
    public IReadOnlyList<LayerEpochStats> Means(Func<int, double> learningRate) =>
        Enumerable.Range(0, counts.Length).Where(l => counts[l] > 0).Select(l => new LayerEpochStats(
            l, sums[l * 5] / counts[l], sums[l * 5 + 1] / counts[l], sums[l * 5 + 2] / counts[l],
            sums[l * 5 + 3] / counts[l], sums[l * 5 + 4] / counts[l], learningRate(l))).ToArray();

    public StatsSums Clone() => new((double[])sums.Clone(), (int[])counts.Clone());

    public void Save(BinaryWriter w)
    {
        w.Write(counts.Length);
        foreach (var s in sums) w.Write(s);
        foreach (var c in counts) w.Write(c);
    }

    public static StatsSums Load(BinaryReader r)
    {
        int layers = r.ReadInt32();
        var s = new double[layers * 5];
        for (int i = 0; i < s.Length; i++) s[i] = r.ReadDouble();
        var c = new int[layers];
        for (int i = 0; i < c.Length; i++) c[i] = r.ReadInt32();
        return new StatsSums(s, c);
    }
}
