using FFActors.Core.Evaluation;

namespace FFActors.Cli.Experiments;

/// <summary>One arm's results over its seeds (the rows of results.md and results.json).</summary>
public sealed record ArmSummary(
    string Name, string Kind, string Note, IReadOnlyList<string> Overrides, int Runs, int Failed,
    IReadOnlyList<string> Errors, MetricSummary Seconds, IReadOnlyDictionary<string, MetricSummary> Metrics,
    IReadOnlyDictionary<string, double[]> MeanCurves, ProbeBudget? Probe)
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
        return new ArmSummary(arm.Name, arm.Kind, arm.Note, arm.Own, ok.Count, results.Count - ok.Count,
            results.Where(r => !r.Ok).Select(r => $"seed {r.Seed}: {r.Error}").ToList(),
            MetricSummary.Of(ok.Select(r => r.Seconds)), metrics, curves, ok.Select(r => r.Probe).FirstOrDefault(p => p is not null));
    }
}
