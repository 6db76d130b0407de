using FFActors.Benchmarks;
using Xunit.Abstractions;

namespace FFActors.Benchmarks.Tests;

/// <summary><c>ffactors bench pipeline</c>: a row's figures come from its measurements, and a real run measures every mode.</summary>
public class PipelineBenchmarkTests(ITestOutputHelper output)
{
    static ModeMeasurement Run(string mode, double samplesPerSecond, int round, int threads = 1) =>
        new(mode, threads, 1000 / samplesPerSecond, samplesPerSecond, [0.5, 0.5], [0.4, 0.4], 0.1, 0.05, Round: round);

    /// <summary>Three rounds of each mode on a 2-core machine, with the median round deliberately not the first or the last.</summary>
    static List<ModeMeasurement> ThreeRounds(double lanedMedian = 0) =>
    [
        Run("sequential-1", 110, 1), Run("sequential-1", 100, 2), Run("sequential-1", 90, 3),
        Run("sequential-2", 150, 1), Run("sequential-2", 170, 2), Run("sequential-2", 160, 3),
        Run("pipeline", 260, 1), Run("pipeline", 240, 2), Run("pipeline", 250, 3),
        Run("pipeline-unshared", 200, 1), Run("pipeline-unshared", 200, 2), Run("pipeline-unshared", 200, 3),
        .. lanedMedian > 0 ? (ModeMeasurement[])[Run("pipeline-2-lanes", lanedMedian - 10, 1), Run("pipeline-2-lanes", lanedMedian, 2), Run("pipeline-2-lanes", lanedMedian + 50, 3)] : [],
    ];

    [Fact]
    public void A_row_takes_each_mode_at_its_median_round_and_divides_those()
    {
        // [784, 100, 100]: work 78 400 and 10 000 per sample.
        var row = PipelineBenchmarkRow.Of([784, 100, 100], 50, 400, cores: 2, coreLoopOneThread: 120, ThreeRounds(),
            roundGemmGflops: [20, 10, 30], layerStepMs: [4, 1], freeRunning: 500, referenceLoop: 80);

        Assert.Equal(100, row.SequentialOneThread);
        Assert.Equal(160, row.SequentialAllCores);
        Assert.Equal(250, row.Pipeline);
        Assert.Equal("pipeline", row.PipelineMode);
        Assert.Equal(2.5, row.Speedup, 12);
        Assert.Equal(250.0 / 160, row.PracticalGain, 12);
        // min(2 cores, 88 400 / 78 400)
        Assert.Equal(88400.0 / 78400, row.IdealSpeedup, 12);
        Assert.Equal(2.5 / (88400.0 / 78400), row.Efficiency, 12);
        Assert.Equal(1.25, row.CoreEfficiency(2), 12);
        Assert.Equal(8 * 88400.0, row.FlopsPerSample);
        // The bound uses the median of the rates measured before the rounds (20 of 10, 20, 30), not the first or the best.
        Assert.Equal(20, row.GemmGflops);
        Assert.Equal(20e9 / (8 * 88400.0), row.GemmBoundSamplesPerSecond, 6);
        Assert.Equal(250 / (20e9 / (8 * 88400.0)), row.GemmFraction, 12);
        // 50 samples per max(4 ms slowest step, 5 ms / 2 cores) = 12 500 samples/s.
        Assert.Equal(12500, row.Ceiling, 9);
        Assert.Equal(0.02, row.CeilingFraction, 12);
        Assert.Equal(0.5, row.FreeRunningFraction, 12);
        Assert.Equal(3, row.Rounds);
        Assert.Equal(3, row.MedianRun("pipeline")!.Round);
        // The fastest actor mode (the pipeline's 250) against the plain reference loop's 80.
        Assert.Equal(80, row.ReferenceLoop);
        Assert.Equal(250.0 / 80, row.ReferenceGain!.Value, 12);
        Assert.Null(row.MedianRun("pipeline-2-lanes"));
    }

    [Fact]
    public void Lanes_replace_a_thread_per_layer_only_when_their_median_is_faster()
    {
        var faster = PipelineBenchmarkRow.Of([784, 100, 100, 100], 50, 400, 2, null, ThreeRounds(lanedMedian: 300), [10], [1, 1, 1], 0);
        Assert.Equal("pipeline-2-lanes", faster.PipelineMode);
        Assert.Null(faster.ReferenceGain);
        Assert.Equal(300, faster.Pipeline);
        Assert.Equal(3.0, faster.Speedup, 12);
        Assert.Equal(0, faster.FreeRunningFraction);

        var slower = PipelineBenchmarkRow.Of([784, 100, 100, 100], 50, 400, 2, null, ThreeRounds(lanedMedian: 245), [10], [1, 1, 1], 0);
        Assert.Equal("pipeline", slower.PipelineMode);
        Assert.Equal(250, slower.Pipeline);
    }

    [Fact]
    public void A_row_without_a_required_mode_is_refused_by_name()
    {
        var runs = ThreeRounds().Where(r => r.Mode != "sequential-2").ToList();
        var e = Assert.Throws<ArgumentException>(() => PipelineBenchmarkRow.Of([784, 10], 50, 400, 2, null, runs, [1], [1], 0));
        Assert.Contains("sequential-2", e.Message);
    }

    [Fact]
    public void A_small_run_times_every_mode_of_every_network_and_its_report_survives_json()
    {
        int[][] networks = [[784, 40, 30], [784, 20, 20, 20]];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = PipelineBenchmark.Run(new PipelineBenchmarkOptions(
            Configs: networks, BatchSizes: [50], Samples: 400, DataDir: RepoPaths.Data, GemmSeconds: 0.1, FreeRunSeconds: 0.3, Rounds: 2));
        double wall = clock.Elapsed.TotalSeconds;
        string table = PipelineBenchmark.Format(report);
        output.WriteLine(table);
        int cores = Environment.ProcessorCount;
        Assert.Equal(cores, report.Cores);

        // Rows in the order asked, sequential and pipeline modes timed on the same network.
        Assert.Equal(new[] { ("784,40,30", 50), ("784,20,20,20", 50) },
            report.Rows.Select(r => (string.Join(",", r.Layers), r.BatchSize)));
        foreach (var row in report.Rows)
        {
            int layers = row.Layers.Length - 1;
            string[] modes = ["sequential-1", $"sequential-{cores}", "pipeline", "pipeline-bf16", "pipeline-unshared", .. layers > cores ? [$"pipeline-{cores}-lanes"] : Array.Empty<string>()];
            Assert.Equal(modes.SelectMany(m => new[] { (m, 1), (m, 2) }).Order(), row.Runs.Select(r => (r.Mode, r.Round)).Order());
            Assert.Equal(400, row.Samples);
            // The timed epochs happened inside this call: together they cannot have taken longer than it did, and each one's
            // rate is at least its 400 samples over the whole call (a time in the wrong unit, or a rate of batches, breaks one of these).
            Assert.True(row.Runs.Sum(r => r.Seconds) <= wall, $"the timed epochs add up to {row.Runs.Sum(r => r.Seconds):F2} s of a {wall:F2}-s benchmark");
            Assert.All(row.Runs, r =>
            {
                Assert.True(r.Seconds > 0 && r.SamplesPerSecond >= 400 / wall, $"{r.Mode}: {r.SamplesPerSecond:F0} samples/s over {r.Seconds:F3} s");
                Assert.Equal(layers, r.BusyFraction.Count);
                Assert.Equal(layers, r.ComputeFraction.Count);
                // A layer's math runs inside its message handlers.
                Assert.All(r.ComputeFraction.Zip(r.BusyFraction), p => Assert.True(p.First <= p.Second, $"{r.Mode}: compute {p.First} > busy {p.Second}"));
            });
            Assert.Equal(1, row.Runs.First(r => r.Mode == "sequential-1").Threads);
            Assert.Equal(cores, row.Runs.First(r => r.Mode == $"sequential-{cores}").Threads);
            // Only a pipeline with work sharing lends threads.
            Assert.All(row.Runs.Where(r => r.Mode is not ("pipeline" or "pipeline-bf16") && !r.Mode.EndsWith("-lanes", StringComparison.Ordinal)),
                r => Assert.Equal(0, r.ChunksSharedPerBatch));
            // The printed figures are measured rounds, and the row is what its own measurements make.
            Assert.Contains(row.Runs, r => r.Mode == "sequential-1" && r.SamplesPerSecond == row.SequentialOneThread);
            Assert.Contains(row.Runs, r => r.Mode == row.PipelineMode && r.SamplesPerSecond == row.Pipeline);
            Assert.Equal(2, row.RoundGemmGflops!.Count);
            // The plain reference loop (autograd and torch.optim.Adam, no actors) ran beside the actor modes.
            Assert.True(row.ReferenceLoop > 0, $"reference loop {row.ReferenceLoop}");
            Assert.True(row.ReferenceLoopOneThread > 0, $"reference loop, 1 thread {row.ReferenceLoopOneThread}");
            Assert.Equal(new[] { row.Pipeline, row.SequentialOneThread, row.SequentialAllCores }.Max() / row.ReferenceLoop!.Value, row.ReferenceGain!.Value, 12);
            // The bfloat16 pipeline was timed in every round beside the float32 one, and its gain is the ratio of their medians.
            Assert.Equal(row.MedianRun("pipeline-bf16")!.SamplesPerSecond / row.MedianRun("pipeline")!.SamplesPerSecond, row.Bf16Gain!.Value, 12);
            Assert.Equal(layers, row.LayerStepMs!.Count);
            Assert.Contains(table.Split('\n'), line => line.StartsWith($"[{string.Join(",", row.Layers)}]", StringComparison.Ordinal)
                && line.Contains($" {row.BatchSize} ", StringComparison.Ordinal));
        }

        string json = BenchmarkJson.Serialize(report);
        var back = BenchmarkJson.Deserialize<PipelineBenchmarkReport>(json);
        Assert.Equal(json, BenchmarkJson.Serialize(back));
        Assert.Equal(table, PipelineBenchmark.Format(back));
    }
}

/// <summary>The cluster and inference reports as <c>--json</c> writes them.</summary>
public class BenchmarkReportTests
{
    [Fact]
    public void Cluster_and_inference_reports_read_back_as_written()
    {
        var cluster = new ClusterBenchmarkReport(2, 0.5, 1.25, [784, 200, 200], 500, 2000, 3, 2, "layer 0 → h0, layer 1 → h1",
            1_600_123, 1.5, 2.25, 0.75, 1.5, true, 4000, 3000, 0.75, 2, 0.125);
        string json = BenchmarkJson.Serialize(cluster);
        var back = BenchmarkJson.Deserialize<ClusterBenchmarkReport>(json);
        Assert.Equal(json, BenchmarkJson.Serialize(back));
        Assert.Equal(ClusterBenchmark.Format(cluster), ClusterBenchmark.Format(back));
        Assert.Contains("\"SerializeGBps\": 1.5", json);

        var inference = new InferenceBenchmarkReport([784, 100], 1000, 10, [0], 2, [1.0, 2.0, 3.0], [0.25, 0.5, 0.75], 2.0, 0.5, 4.0, [0.5, 1, 1.5], 1, 2,
            [0.2, 0.4, 0.6], 0.4, 5);
        json = BenchmarkJson.Serialize(inference);
        Assert.Equal(json, BenchmarkJson.Serialize(BenchmarkJson.Deserialize<InferenceBenchmarkReport>(json)));
        Assert.Contains("speed-up of inference: HFF 4.0x, Distance-Forward 2.0x, Mono-Forward 5.0x", InferenceBenchmark.Format(inference));
    }

    [Fact]
    public void Medians_are_the_middle_value_or_the_mean_of_the_middle_two()
    {
        Assert.Equal(2, Median.Of([3, 1, 2]));
        Assert.Equal(2.5, Median.Of([4, 1, 3, 2]));
        Assert.Equal(2, Median.Lower([4.0, 1, 3, 2], x => x));
        Assert.Throws<ArgumentException>(() => Median.Of([]));
    }
}

/// <summary>How much of the machine other processes took during a timing (Linux /proc).</summary>
public class CpuAccountingTests
{
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
    public void A_sample_reads_the_busy_and_steal_columns_and_our_user_and_system_time_past_a_command_name_with_parentheses()
    {
        // cpu: user nice system idle iowait irq softirq steal guest guest_nice
        const string cpu = "cpu  100 20 300 4000 50 6 7 8 0 0";
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
        const string self = "4242 (ff (x) y) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 89 10 20 0 30 0 12345";
        var s = CpuAccounting.Parse(cpu, self, 77)!.Value;
        Assert.Equal(100 + 20 + 300 + 6 + 7, s.BusyTicks);
        Assert.Equal(8, s.StealTicks);
        Assert.Equal(1234 + 567, s.OwnTicks);
        Assert.Equal(77, s.Timestamp);
        Assert.Null(CpuAccounting.Parse("intr 1 2 3", self, 0));
        Assert.Null(CpuAccounting.Parse(cpu, "4242 (ff) S 1 2", 0));
    }

    [LinuxFact]
    public void This_process_s_ticks_agree_with_the_runtime_s_own_cpu_clock()
    {
        // Enough CPU used that reading the wrong /proc field (a child's time, a priority) cannot pass by accident.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double x = 0;
        while (Environment.CpuUsage.TotalTime.TotalSeconds < 0.5 && sw.Elapsed.TotalSeconds < 30) x += Math.Sqrt(sw.ElapsedTicks);
        var before = Environment.CpuUsage.TotalTime.TotalSeconds;
        var sample = CpuAccounting.Sample()!.Value;
        var after = Environment.CpuUsage.TotalTime.TotalSeconds;
        double own = sample.OwnTicks / CpuAccounting.TicksPerSecond;
        // /proc samples user and system time by ticks and scales them to the exact runtime, truncating each: close to the
        // exact clock, not tick-exact (other test threads run meanwhile). A tenth either way still tells the right fields
        // from a child's time (0 here), the priority (20 ticks) or the thread count, all far from the ≥ 0.5 s spent above.
        double tick = 1 / CpuAccounting.TicksPerSecond;
        Assert.InRange(own, 0.9 * before - 3 * tick, 1.1 * after + 3 * tick);
        GC.KeepAlive(x);
    }
}
