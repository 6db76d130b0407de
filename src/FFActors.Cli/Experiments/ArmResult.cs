using FFActors.Core.Evaluation;

namespace FFActors.Cli.Experiments;

/// <summary>The outcome of one arm-seed, stored as its folder's result.json (the resume record).</summary>
public sealed record ArmResult
{
    public required string Arm { get; init; }
    public required string Kind { get; init; }
    public required long Seed { get; init; }
    /// <summary>ok or failed.</summary>
    public required string Status { get; init; }
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
