namespace FFActors.Core.Evaluation;

/// <summary>Test accuracy by goodness scoring and by the softmax head, with the layers each used.</summary>
public sealed record EvaluationResult(double GoodnessAccuracy, int[] ScoreLayers, double HeadAccuracy, int[] HeadLayers, double Seconds)
{
    /// <summary>Only the linear probe ran (label-free training): <see cref="GoodnessAccuracy"/> is NaN, not a score.</summary>
    public bool ProbeOnly { get; init; }
}
