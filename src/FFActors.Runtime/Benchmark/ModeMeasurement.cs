namespace FFActors.Runtime.Benchmark;

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
