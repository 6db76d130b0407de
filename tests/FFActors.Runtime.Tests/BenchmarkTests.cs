using FFActors.Runtime.Benchmark;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void The_benchmark_runs_every_mode_and_reports_consistent_figures()
    {
        var report = PipelineBenchmark.Run(new PipelineBenchmarkOptions(
            Configs: [[784, 40, 30], [784, 20, 20, 20]], BatchSizes: [50], Samples: 400, DataDir: TestSupport.DataDir, GemmSeconds: 0.1, FreeRunSeconds: 0.3, Rounds: 2));
        output.WriteLine(PipelineBenchmark.Format(report));
        Assert.Equal(Environment.ProcessorCount, report.Cores);
        Assert.True(report.GemmGflops > 0 && report.GemmGflopsOneThread > 0 && report.GemmGflopsConcurrent > 0);
        // A ratio of two 0.1 s timings: on a loaded machine it can land anywhere, so only its sign is behaviour.
        Assert.True(report.EffectiveCores > 0);
        Assert.Equal(2, report.Rows.Count);
        foreach (var row in report.Rows)
        {
            Assert.True(row.SequentialOneThread > 0 && row.SequentialAllCores > 0 && row.Pipeline > 0);
            Assert.Equal(row.Pipeline / row.SequentialOneThread, row.Speedup, 9);
            Assert.Equal(row.Speedup / row.IdealSpeedup, row.Efficiency, 9);
            Assert.Equal(row.Speedup / report.Cores, row.CoreEfficiency(report.Cores), 9);
            Assert.InRange(row.IdealSpeedup, 1, report.Cores);
            Assert.Equal(8.0 * Enumerable.Range(0, row.Layers.Length - 1).Sum(l => row.Layers[l] * row.Layers[l + 1]), row.FlopsPerSample);
            // Each round measures the rate again; the bound uses the median (the lower one of two) of the row's rates.
            Assert.Equal(2, row.Rounds);
            Assert.Equal(2, row.RoundGemmGflops!.Count);
            Assert.All(row.RoundGemmGflops, g => Assert.True(g > 0));
            Assert.Equal(row.RoundGemmGflops.Min(), row.GemmGflops);
            Assert.Equal(row.GemmGflops * 1e9 / row.FlopsPerSample, row.GemmBoundSamplesPerSecond, 6);
            int modes = row.Layers.Length - 1 > report.Cores ? 5 : 4;
            Assert.Equal(2 * modes, row.Runs.Count);
            Assert.All(row.Runs.GroupBy(r => r.Mode), g => Assert.Equal([1, 2], g.Select(r => r.Round).Order()));
            // A mode's figure is its slower round (the lower median of two), a measured value.
            Assert.Equal(row.Runs.Where(r => r.Mode == "sequential-1").Min(r => r.SamplesPerSecond), row.SequentialOneThread);
            Assert.Equal(row.Runs.Where(r => r.Mode == row.PipelineMode).Min(r => r.SamplesPerSecond), row.Pipeline);
            Assert.Contains(row.Runs, r => r.Mode == "pipeline-unshared");
            // Only a pipeline with work sharing lends threads (here at most the positive and negative forward blocks).
            Assert.All(row.Runs.Where(r => r.Mode != "pipeline" && !r.Mode.EndsWith("-lanes", StringComparison.Ordinal)),
                r => Assert.Equal(0, r.ChunksSharedPerBatch));
            Assert.Contains(row.Runs, r => r.Mode == row.PipelineMode && r.SamplesPerSecond == row.Pipeline);
            Assert.All(row.Runs, r => Assert.Equal(row.Layers.Length - 1, r.BusyFraction.Count));
            // These epochs are milliseconds long: their CPU shares go unmeasured (CpuAccounting.MinimumSeconds).
            if (OperatingSystem.IsLinux())
                Assert.All(row.Runs, r =>
                {
                    if (r.Cpu is not { } cpu)
                    {
                        Assert.True(r.Seconds < CpuAccounting.MinimumSeconds, $"{r.Mode}: {r.Seconds} s and no CPU share");
                        return;
                    }
                    Assert.InRange(cpu.OtherCores, 0, report.Cores + 0.5);
                    Assert.InRange(cpu.StolenCores, 0, report.Cores + 0.5);
                });
            Assert.All(row.Runs, r => Assert.All(r.BusyFraction, b => Assert.InRange(b, 0, 1.5)));
            Assert.Equal(row.Layers.Length - 1, row.LayerStepMs!.Count);
            Assert.All(row.LayerStepMs, ms => Assert.True(ms > 0));
            Assert.Equal(row.BatchSize * 1000.0 / Math.Max(row.LayerStepMs.Max(), row.LayerStepMs.Sum() / report.Cores), row.Ceiling, 6);
            Assert.Equal(row.Pipeline / row.Ceiling, row.CeilingFraction, 9);
            Assert.True(row.FreeRunning > 0);
            Assert.Equal(row.Pipeline / row.FreeRunning, row.FreeRunningFraction, 9);
        }
    }

    [Fact]
    public void Cpu_shares_are_the_busy_ticks_not_our_own_and_the_steal_ticks_over_the_wall_time()
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        long t1 = t0 + 2 * System.Diagnostics.Stopwatch.Frequency;
        // Over 2 s the machine was busy 300 ticks (3 s of CPU), 100 of them ours, and 50 ticks were stolen.
        var share = CpuAccounting.Between(new CpuSample(1000, 10, 400, t0), new CpuSample(1300, 60, 500, t1))!.Value;
        Assert.Equal(1.0, share.OtherCores, 9);
        Assert.Equal(0.25, share.StolenCores, 9);
        Assert.Null(CpuAccounting.Between(null, new CpuSample(0, 0, 0, t1)));
        // Shorter than /proc's ticks can resolve: two ticks in 7 ms would read as 2.9 cores.
        long t7ms = t0 + System.Diagnostics.Stopwatch.Frequency * 7 / 1000;
        Assert.Null(CpuAccounting.Between(new CpuSample(1000, 10, 400, t0), new CpuSample(1002, 10, 400, t7ms)));
        // Ticks are sampled at different moments: our own can exceed the machine's busy delta by a tick; never negative.
        Assert.Equal(0, CpuAccounting.Between(new CpuSample(0, 0, 0, t0), new CpuSample(10, 0, 11, t1))!.Value.OtherCores);
    }

    [Fact]
    public void A_cpu_sample_on_linux_counts_our_own_work()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Spin until the runtime's own clock (getrusage) says this process used 300 ms of CPU, not for 300 ms of
        // wall time: on a loaded machine a thread can get a fraction of a core, and 300 ms of wall time read as 12 ticks.
        var before = CpuAccounting.Sample()!.Value;
        var cpu0 = Environment.CpuUsage.TotalTime;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double x = 0;
        while ((Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds < 300 && sw.Elapsed.TotalSeconds < 30) x += Math.Sqrt(sw.ElapsedTicks);
        var after = CpuAccounting.Sample()!.Value;
        output.WriteLine($"{x:E1}: own {after.OwnTicks - before.OwnTicks} ticks, busy {after.BusyTicks - before.BusyTicks}, stolen {after.StealTicks - before.StealTicks}");
        Assert.InRange(after.OwnTicks - before.OwnTicks, 15, 200);
        Assert.True(after.BusyTicks - before.BusyTicks >= 15);
    }
}
