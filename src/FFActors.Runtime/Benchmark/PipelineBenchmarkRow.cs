namespace FFActors.Runtime.Benchmark;

/// <summary>One configuration and batch size. Samples/s of a mode are those of its median round (the lower middle one for an
/// even count), and every ratio is taken between those medians.</summary>
/// <param name="Speedup">Pipeline / sequential with one intra-op thread.</param>
/// <param name="IdealSpeedup">min(cores, total work / heaviest layer's work), work = in·out: the most a layer pipeline gains
/// when every layer's work stays on its own thread. Work sharing lifts that cap (a busy layer's blocks run on idle threads),
/// so the speedup can pass it; <see cref="CoreEfficiency"/> measures against the cores alone.</param>
/// <param name="Efficiency">Speedup / ideal.</param>
/// <param name="PracticalGain">Pipeline / sequential with all cores.</param>
/// <param name="FlopsPerSample">8·Σ in·out: forward of positive and negative (2·2·in·out) plus the local weight gradient (2·2·in·out).</param>
/// <param name="GemmBoundSamplesPerSecond"><see cref="GemmGflops"/> / FLOPs per sample.</param>
/// <param name="GemmFraction">Best of the actor modes / the GEMM bound.</param>
/// <param name="LayerStepMs">Per layer: the median time of one training step (positives and negatives, forward, loss,
/// backward, Adam) alone on one thread, on random inputs of the layer's shape.</param>
/// <param name="Ceiling">The most a layer pipeline without work sharing can reach with these step times: batch / max(slowest layer's step,
/// Σ steps / cores) — one batch per step of the slowest layer, and no more work per second than the cores can do.</param>
/// <param name="FreeRunning">The same bound measured with the cores busy at once: the layers, split into min(cores, layers)
/// lanes by <see cref="LanePlan"/>, each lane stepping its layers in a loop on a thread of its own (one intra-op thread)
/// for the same wall time, without messages or waiting for inputs; samples/s of the slowest lane. Below
/// <see cref="Ceiling"/> by what the cores cost each other (memory bandwidth, shared cache).</param>
/// <param name="RoundGemmGflops">The matmul rate measured before each round (<see cref="PipelineBenchmarkReport.BoundRate"/>).</param>
/// <param name="GemmGflops">The median of <see cref="RoundGemmGflops"/>: the rate this row's GEMM bound uses.</param>
public sealed record PipelineBenchmarkRow(
    int[] Layers,
    int BatchSize,
    int Samples,
    double? CoreLoopOneThread,
    double SequentialOneThread,
    double SequentialAllCores,
    double Pipeline,
    double Speedup,
    double IdealSpeedup,
    double Efficiency,
    double PracticalGain,
    double FlopsPerSample,
    double GemmBoundSamplesPerSecond,
    double GemmFraction,
    IReadOnlyList<ModeMeasurement> Runs,
    string PipelineMode = "pipeline",
    IReadOnlyList<double>? LayerStepMs = null,
    double Ceiling = 0,
    double FreeRunning = 0,
    IReadOnlyList<double>? RoundGemmGflops = null,
    double GemmGflops = 0)
{
    /// <summary>How many rounds each mode was measured.</summary>
    public int Rounds => Runs.Count == 0 ? 0 : Runs.Max(m => m.Round);

    /// <summary>The median round of <paramref name="mode"/> (the one the row's figures come from), or null if it was not measured.</summary>
    public ModeMeasurement? MedianRun(string mode) => PipelineBenchmark.MedianRun(Runs, mode);

    /// <summary>Speedup / the cores of the machine: the efficiency a pipeline with work sharing is held to.</summary>
    public double CoreEfficiency(int cores) => Speedup / cores;

    /// <summary>The faster pipeline placement's samples/s / <see cref="Ceiling"/>; 0 when not measured.</summary>
    public double CeilingFraction => Ceiling > 0 ? Pipeline / Ceiling : 0;

    /// <summary>The faster pipeline placement's samples/s / <see cref="FreeRunning"/>; 0 when not measured.</summary>
    public double FreeRunningFraction => FreeRunning > 0 ? Pipeline / FreeRunning : 0;
}
