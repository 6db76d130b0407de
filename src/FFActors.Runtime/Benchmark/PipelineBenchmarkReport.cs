namespace FFActors.Runtime.Benchmark;

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
