namespace FFActors.Cli.Experiments;

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
