namespace FFActors.Core.Evaluation;

/// <param name="GoodnessSeconds">Each timing of label-scoring FF: one overlaid pass per class, goodness summed over the score layers.</param>
/// <param name="HffSeconds">Each timing of Hyperspherical FF: one pass, prototype cosines of the same score layers.</param>
/// <param name="Ratio">Median goodness-scoring time / median HFF time.</param>
/// <param name="DistanceSeconds">Each timing of Distance-Forward: one pass, negative distances to the class centres of the same score layers.</param>
/// <param name="DistanceRatio">Median goodness-scoring time / median Distance-Forward time.</param>
public sealed record InferenceBenchmarkReport(int[] Layers, int Samples, int Classes, int[] ScoreLayers, int Threads,
    double[] GoodnessSeconds, double[] HffSeconds, double GoodnessMedian, double HffMedian, double Ratio,
    double[] DistanceSeconds, double DistanceMedian, double DistanceRatio);
