namespace FFActors.Core.Evaluation;

/// <param name="Layers">Network size, input first; both networks get the same dense layers.</param>
/// <param name="Samples">MNIST test samples classified per timing.</param>
/// <param name="Repeats">Timings of each network (alternating); the report uses the medians.</param>
public sealed record InferenceBenchmarkOptions(int[] Layers, int Samples = 10000, int Repeats = 5, int BatchSize = 1000,
    string DataDir = "samples/data", long Seed = 1);
