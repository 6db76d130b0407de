namespace FFActors.Benchmarks;

/// <param name="GemmGflops">Matmul rate [2000×1000]·[1000×1000] with all cores, measured once at the start (for the header;
/// each row's bound uses the rates measured beside its own rounds, <see cref="PipelineBenchmarkRow.GemmGflops"/>).</param>
/// <param name="GemmGflopsOneThread">The same with one intra-op thread.</param>
/// <param name="GemmGflopsConcurrent">Aggregate rate of one single-threaded matmul loop per core, all at once
/// (what the pipeline's layer threads do). <see cref="EffectiveCores"/> = this / the one-thread rate: about
/// the core count on an idle machine, lower when other processes hold cores.</param>
/// <param name="LoadAverage">The machine's 1-minute load average before and after the run (Linux; null elsewhere):
/// other processes competing for the cores make every parallel figure meaningless.</param>
/// <param name="Blas">Which GEMM kernels oneMKL uses in this process, as the caller describes them (the CLI prints its
/// process tuning here); empty when not given.</param>
public sealed record PipelineBenchmarkReport(int Cores, double GemmGflops, double GemmGflopsOneThread, IReadOnlyList<PipelineBenchmarkRow> Rows, double Seconds,
    (double Before, double After)? LoadAverage = null, double GemmGflopsConcurrent = 0, string Blas = "")
{
    public double EffectiveCores => GemmGflopsOneThread > 0 ? GemmGflopsConcurrent / GemmGflopsOneThread : 0;

    /// <summary>
    /// The matmul rate a GEMM bound uses: the better of one matmul on all cores and one single-threaded matmul per core
    /// at once. Both are this machine's; on some VMs libtorch's multi-threaded matmul runs no faster than one thread
    /// while independent threads scale, and a bound from the slower rate would flatter every mode.
    /// </summary>
    public static double BoundRate(double allCores, double concurrent) => Math.Max(allCores, concurrent);
}

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
/// lanes by <see cref="FFActors.Runtime.LanePlan"/>, each lane stepping its layers in a loop on a thread of its own (one intra-op thread)
/// for the same wall time, without messages or waiting for inputs; samples/s of the slowest lane. Below
/// <see cref="Ceiling"/> by what the cores cost each other (memory bandwidth, shared cache).</param>
/// <param name="RoundGemmGflops">The matmul rate measured before each round (<see cref="PipelineBenchmarkReport.BoundRate"/>).</param>
/// <param name="GemmGflops">The median of <see cref="RoundGemmGflops"/>: the rate this row's GEMM bound uses.</param>
/// <param name="ReferenceLoop">Samples/s of the plain reference loop's median round (one process, autograd and torch.optim.Adam,
/// intra-op threads = cores; <see cref="PipelineBenchmarkOptions.IncludeReferenceLoop"/>); null when not measured.</param>
/// <param name="ReferenceLoopOneThread">The same loop with one intra-op thread (first round only), beside <see cref="CoreLoopOneThread"/>.</param>
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
    double GemmGflops = 0,
    double? ReferenceLoop = null,
    double? ReferenceLoopOneThread = null)
{
    /// <summary>
    /// The row of a network from what was measured: every mode's rounds, the matmul rate before each round, each layer's step
    /// time alone and the free-running lanes' samples/s. The pipeline's figure is the faster of a thread per layer and lanes.
    /// </summary>
    public static PipelineBenchmarkRow Of(int[] layers, int batch, int samples, int cores, double? coreLoopOneThread,
        IReadOnlyList<ModeMeasurement> runs, IReadOnlyList<double> roundGemmGflops, IReadOnlyList<double> layerStepMs, double freeRunning,
        double? referenceLoop = null, double? referenceLoopOneThread = null)
    {
        ModeMeasurement Required(string mode) => MedianRun(runs, mode) ?? throw new ArgumentException($"mode {mode} was not measured", nameof(runs));
        var seq1 = Required("sequential-1");
        var seqN = Required($"sequential-{cores}");
        var perLayer = Required("pipeline");
        var laned = MedianRun(runs, $"pipeline-{cores}-lanes");
        var pipe = laned is not null && laned.SamplesPerSecond > perLayer.SamplesPerSecond ? laned : perLayer;
        double gemmRate = Median.Lower(roundGemmGflops, r => r);

        double[] work = Enumerable.Range(0, layers.Length - 1).Select(l => (double)layers[l] * layers[l + 1]).ToArray();
        double ideal = Math.Min(cores, work.Sum() / work.Max());
        double speedup = pipe.SamplesPerSecond / seq1.SamplesPerSecond;
        double flops = 8 * work.Sum();
        double bound = gemmRate * 1e9 / flops;
        double best = Math.Max(pipe.SamplesPerSecond, Math.Max(seq1.SamplesPerSecond, seqN.SamplesPerSecond));
        double ceiling = batch * 1000.0 / Math.Max(layerStepMs.Max(), layerStepMs.Sum() / cores);
        return new PipelineBenchmarkRow(layers, batch, samples, coreLoopOneThread, seq1.SamplesPerSecond, seqN.SamplesPerSecond, pipe.SamplesPerSecond,
            speedup, ideal, speedup / ideal, pipe.SamplesPerSecond / seqN.SamplesPerSecond, flops, bound, best / bound,
            runs, pipe.Mode, layerStepMs, ceiling, freeRunning, roundGemmGflops, gemmRate, referenceLoop, referenceLoopOneThread);
    }

    /// <summary>The fastest actor mode / the plain reference loop: what the kernels and the actors gain over the straightforward
    /// way to write FF with the same library; null when the reference loop was not measured.</summary>
    /// <summary>Samples/s of the median round of the pipeline (a thread per layer) with bfloat16 matmuls; null when not measured.</summary>
    public double? PipelineBf16 => MedianRun("pipeline-bf16")?.SamplesPerSecond;

    /// <summary>The pipeline with bfloat16 matmuls / the same placement in float32 (<see cref="PipelineBenchmarkOptions.IncludeBf16"/>).</summary>
    public double? Bf16Gain => PipelineBf16 is { } bf && MedianRun("pipeline") is { SamplesPerSecond: > 0 } f ? bf / f.SamplesPerSecond : null;

    public double? ReferenceGain => ReferenceLoop is > 0 ? Math.Max(Pipeline, Math.Max(SequentialOneThread, SequentialAllCores)) / ReferenceLoop : null;

    /// <summary>The median round of <paramref name="mode"/> among <paramref name="runs"/> by samples/s, or null if it was not measured.</summary>
    public static ModeMeasurement? MedianRun(IReadOnlyList<ModeMeasurement> runs, string mode)
    {
        var of = runs.Where(m => m.Mode == mode).ToList();
        return of.Count == 0 ? null : Median.Lower(of, m => m.SamplesPerSecond);
    }

    /// <summary>How many rounds each mode was measured.</summary>
    public int Rounds => Runs.Count == 0 ? 0 : Runs.Max(m => m.Round);

    /// <summary>The median round of <paramref name="mode"/> (the one the row's figures come from), or null if it was not measured.</summary>
    public ModeMeasurement? MedianRun(string mode) => MedianRun(Runs, mode);

    /// <summary>Speedup / the cores of the machine: the efficiency a pipeline with work sharing is held to.</summary>
    public double CoreEfficiency(int cores) => Speedup / cores;

    /// <summary>The faster pipeline placement's samples/s / <see cref="Ceiling"/>; 0 when not measured.</summary>
    public double CeilingFraction => Ceiling > 0 ? Pipeline / Ceiling : 0;

    /// <summary>The faster pipeline placement's samples/s / <see cref="FreeRunning"/>; 0 when not measured.</summary>
    public double FreeRunningFraction => FreeRunning > 0 ? Pipeline / FreeRunning : 0;
}

/// <summary>One timed training epoch in one mode.</summary>
/// <param name="Threads">Intra-op threads per layer thread.</param>
/// <param name="BusyFraction">Per layer: time in its message handlers / the epoch's wall time.</param>
/// <param name="ComputeFraction">Per layer: time in IFFLayer calls / wall time.</param>
/// <param name="MessagingSeconds">Summed over layers: handler time outside IFFLayer (tensor hand-off, sends, credits).</param>
/// <param name="BatchBuildSeconds">Coordinator time building batches (index_select, label overlay, negatives: the copies).</param>
/// <param name="ChunksSharedPerBatch">Matmul chunks per batch that a layer's idle peers ran for it (work sharing), summed over layers.</param>
/// <param name="Round">Which of the row's rounds (<see cref="PipelineBenchmarkOptions.Rounds"/>) this epoch was, from 1.</param>
/// <param name="Cpu">The cores other processes of the machine and the hypervisor's other guests took during the epoch
/// (<see cref="CpuAccounting"/>; null off Linux).</param>
public sealed record ModeMeasurement(string Mode, int Threads, double Seconds, double SamplesPerSecond,
    IReadOnlyList<double> BusyFraction, IReadOnlyList<double> ComputeFraction, double MessagingSeconds, double BatchBuildSeconds,
    double ChunksSharedPerBatch = 0, int Round = 1, CpuShare? Cpu = null);
