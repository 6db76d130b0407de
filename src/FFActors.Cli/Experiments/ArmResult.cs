using FFActors.Core.Evaluation;

namespace FFActors.Cli.Experiments;

/// <summary>The outcome of one arm-seed, stored as its folder's result.json (the resume record).</summary>
public sealed record ArmResult
{
    public required string Arm { get; init; }
    public required string Kind { get; init; }
    public required long Seed { get; init; }
    /// <summary>ok, failed, or stopped (the experiment was stopped while it ran; running the experiment again continues it).</summary>
    public required string Status { get; init; }

    public const string Stopped = "stopped";
    public string? Error { get; init; }
    public required string Fingerprint { get; init; }
    public double Seconds { get; init; }
    /// <summary>Named results (accuracies as fractions, rates in samples/s).</summary>
    public Dictionary<string, double> Metrics { get; init; } = [];
    /// <summary>Per-epoch curves (e.g. validation accuracy per epoch).</summary>
    public Dictionary<string, double[]> Curves { get; init; } = [];
    /// <summary>The linear-probe budget this arm used (feature arms).</summary>
    public ProbeBudget? Probe { get; init; }
    public DateTime Finished { get; init; }

    public bool Ok => Status == "ok";
}

/// <summary>One arm's results over its seeds (the rows of results.md and results.json).</summary>
/// <param name="Runs">Seeds that ended ok: the seeds the figures are of.</param>
/// <param name="Failed">Seeds that ended in an error (<paramref name="Errors"/> says which).</param>
/// <param name="Stopped">Seeds stopped while they ran: not failures, the next run of the experiment continues them.</param>
public sealed record ArmSummary(
    string Name, string Kind, string Note, IReadOnlyList<string> Overrides, int Runs, int Failed,
    IReadOnlyList<string> Errors, MetricSummary Seconds, IReadOnlyDictionary<string, MetricSummary> Metrics,
    IReadOnlyDictionary<string, double[]> MeanCurves, ProbeBudget? Probe, int Stopped = 0)
{
    public static ArmSummary Of(ArmSpec arm, IReadOnlyList<ArmResult> results)
    {
        var ok = results.Where(r => r.Ok).ToList();
        var metrics = ok.SelectMany(r => r.Metrics.Keys).Distinct()
            .ToDictionary(k => k, k => MetricSummary.Of(ok.Where(r => r.Metrics.ContainsKey(k)).Select(r => r.Metrics[k])));
        var curves = new Dictionary<string, double[]>();
        foreach (var name in ok.SelectMany(r => r.Curves.Keys).Distinct())
        {
            var all = ok.Where(r => r.Curves.ContainsKey(name)).Select(r => r.Curves[name]).ToList();
            int len = all.Min(c => c.Length);
            curves[name] = Enumerable.Range(0, len).Select(i => all.Average(c => c[i])).ToArray();
        }
        var failed = results.Where(r => !r.Ok && r.Status != ArmResult.Stopped).ToList();
        return new ArmSummary(arm.Name, arm.Kind, arm.Note, arm.Own, ok.Count, failed.Count,
            failed.Select(r => $"seed {r.Seed}: {r.Error}").ToList(),
            MetricSummary.Of(ok.Select(r => r.Seconds)), metrics, curves, ok.Select(r => r.Probe).FirstOrDefault(p => p is not null),
            Stopped: results.Count(r => r.Status == ArmResult.Stopped));
    }
}

/// <summary>Mean and sample standard deviation (n − 1) of one metric over an arm's seeds.</summary>
public sealed record MetricSummary(double Mean, double Std, int N, double[] Values)
{
    public static MetricSummary Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double mean = v.Length == 0 ? double.NaN : v.Average();
        double std = v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new MetricSummary(mean, std, v.Length, v);
    }
}

/// <summary>A 2-D embedding of one arm's target test features (the arm folder's embedding.json).</summary>
public sealed record EmbeddingPoints(string Arm, string Method, string Features, float[] X, float[] Y, int[] Labels);
