namespace FFActors.Runtime.Benchmark;

/// <param name="Configs">Layer sizes to measure, input first; default [784, 500, 500] and [784, 1000, 1000, 1000, 1000].</param>
/// <param name="BatchSizes">Default 100 and 1000.</param>
/// <param name="Samples">Training samples per measured epoch (the first N of MNIST); default all 60 000, a real
/// epoch, so the pipeline's fill and drain at the epoch's ends weigh as much as they do in training.</param>
/// <param name="DataDir">Folder with mnist/ in it.</param>
/// <param name="GemmSeconds">Time spent measuring the matmul rate (each thread setting).</param>
/// <param name="FreeRunSeconds">Wall time of the free-running lanes (<see cref="PipelineBenchmarkRow.FreeRunning"/>).</param>
/// <param name="IncludeCoreLoop">Also time Core's FFTrainer (no actors) with one thread, to show the actors' own cost
/// (in the first round only: it is there for comparison, not for a target).</param>
/// <param name="Rounds">Times every mode of a row is measured, each round preceded by a fresh measurement of the matmul rate;
/// the row reports the median round of each mode and the median rate. On a shared machine one epoch of a mode can land in
/// another tenant's burst, and a rate measured minutes before the timings need not hold during them.</param>
public sealed record PipelineBenchmarkOptions(
    IReadOnlyList<int[]>? Configs = null,
    IReadOnlyList<int>? BatchSizes = null,
    int Samples = 60000,
    int CreditWindow = 3,
    string DataDir = "samples/data",
    long Seed = 1,
    double GemmSeconds = 1.0,
    bool IncludeCoreLoop = true,
    double FreeRunSeconds = 2.0,
    int Rounds = 3)
{
    public IReadOnlyList<int[]> ConfigsOrDefault => Configs ?? [[784, 500, 500], [784, 1000, 1000, 1000, 1000]];
    public IReadOnlyList<int> BatchSizesOrDefault => BatchSizes ?? [100, 1000];
}
