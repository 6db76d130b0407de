using FFActors.Core.Evaluation;
using FFActors.Core.Training;

namespace FFActors.Runtime;

/// <param name="Metrics">One row per finished epoch (including epochs finished before a resume).</param>
/// <param name="Network">The trained layers, gathered back from the actors; owned by the caller.</param>
/// <param name="Completed">False when the run was stopped by cancellation (after checkpointing).</param>
/// <param name="Log">Fault, restore, resume and stop events, one line each.</param>
public sealed record PipelineResult(IReadOnlyList<EpochMetrics> Metrics, FFNetwork Network, bool Completed, IReadOnlyList<string> Log)
{
    /// <summary>Test-split evaluation done through the actors (goodness scoring pipelined through the
    /// layers, softmax head in an actor of its own) when the run was asked to evaluate; else null.</summary>
    public EvaluationResult? Evaluation { get; init; }
}
