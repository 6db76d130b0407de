using System.Globalization;
using FFActors.Benchmarks;

namespace FFActors.Cli.Report;

/// <summary>
/// <c>ffactors bench … --result FILE</c>: a benchmark report as a result file (kind <c>benchmark</c>), a row per
/// measured configuration with its headline figures, the options as its configuration and the machine with its
/// matmul rate. The full report stays what <c>--json</c> writes; this is what the docs render.
/// </summary>
public static class BenchmarkResults
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static ResultFile Pipeline(PipelineBenchmarkReport r, IReadOnlyList<string> options, string command)
    {
        var rows = r.Rows.Select(row =>
        {
            var figures = new Dictionary<string, double?>
            {
                ["reference_samples_per_s"] = row.ReferenceLoop,
                ["reference_1t_samples_per_s"] = row.ReferenceLoopOneThread,
                ["core_1t_samples_per_s"] = row.CoreLoopOneThread,
                ["seq_1t_samples_per_s"] = row.SequentialOneThread,
                ["seq_all_samples_per_s"] = row.SequentialAllCores,
                ["pipeline_samples_per_s"] = row.Pipeline,
                ["speedup"] = row.Speedup,
                ["vs_reference"] = row.ReferenceGain,
                ["bf16_samples_per_s"] = row.PipelineBf16,
                ["bf16_gain"] = row.Bf16Gain,
                ["gemm_gflops"] = row.GemmGflops,
                ["gemm_bound_fraction"] = row.GemmFraction,
                ["others_cores"] = row.MedianRun(row.PipelineMode)?.Cpu?.OtherCores,
            };
            return new ResultRow($"[{string.Join(", ", row.Layers)}] batch {row.BatchSize}", [], [new SeedFigures(1, figures)]);
        }).ToList();
        return File("bench pipeline", options.Append($"oneMKL: {r.Blas}").ToList(), command, r.GemmGflops, r.LoadAverage, rows);
    }

    public static ResultFile Cluster(ClusterBenchmarkReport r, IReadOnlyList<string> options, string command)
    {
        var figures = new Dictionary<string, double?>
        {
            ["serialize_gbps"] = r.SerializeGBps,
            ["deserialize_gbps"] = r.DeserializeGBps,
            ["hop_ms"] = r.HopMilliseconds,
            ["akka_hop_ms"] = r.AkkaHopMilliseconds,
            ["local_samples_per_s"] = r.LocalSamplesPerSecond,
            ["cluster_samples_per_s"] = r.ClusterSamplesPerSecond,
            ["cluster_share"] = r.Ratio,
            ["wire_fraction"] = r.WireFraction,
        };
        var name = $"[{string.Join(", ", r.Layers)}] batch {r.BatchSize}, {r.Hosts} layer hosts ({r.Placement}), {(r.DataPlane ? "data plane" : "Akka.Remote only")}";
        var load = r.LoadBefore is { } b && r.LoadAfter is { } a ? (b, a) : ((double, double)?)null;
        return File("bench cluster", options, command, null, load, [new ResultRow(name, [], [new SeedFigures(1, figures)])]);
    }

    /// <param name="load">The 1-minute load average before and after the run (the inference report has none of its own).</param>
    public static ResultFile Inference(InferenceBenchmarkReport r, IReadOnlyList<string> options, string command, (double Before, double After)? load)
    {
        var figures = new Dictionary<string, double?>
        {
            ["goodness_scoring_s"] = r.GoodnessMedian,
            ["hff_s"] = r.HffMedian,
            ["distance_s"] = r.DistanceMedian,
            ["mono_forward_s"] = r.MonoForwardMedian,
            ["hff_speedup"] = r.Ratio,
            ["distance_speedup"] = r.DistanceRatio,
            ["mono_forward_speedup"] = r.MonoForwardRatio,
        };
        var name = $"[{string.Join(", ", r.Layers)}], {r.Samples} test images, {r.Threads} threads";
        return File("bench inference", options, command, null, load, [new ResultRow(name, [], [new SeedFigures(1, figures)])]);
    }

    static ResultFile File(string title, IReadOnlyList<string> options, string command, double? gflops, (double Before, double After)? load, IReadOnlyList<ResultRow> rows) => new()
    {
        Kind = ResultFile.BenchmarkKind,
        Title = title,
        Note = "Timings from one run of the command" +
            (load is { } l ? string.Create(C, $", load average {l.Before:F2} before and {l.After:F2} after on {Environment.ProcessorCount} cores") : "") +
            ". Other processes running at the same time slow every figure; the ratios measured within the run move less.",
        Config = options,
        Invocations = [new Invocation(command, BuildInfo.Version, BuildInfo.Commit, DateTime.UtcNow, MachineFacts.Current(gflops), [1])],
        Rows = rows,
    };
}
