using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;

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

    /// <summary>Where the run's time went, as the actors accounted it; null where a caller built the result itself.</summary>
    public RunAccounting? Accounting { get; init; }
}

/// <summary>The runtime's own accounting of a run: what its throughput is made of.</summary>
/// <param name="Layers">Per layer actor: time in its handlers and in the layer's math, work items, chunks shared.</param>
/// <param name="BuildSeconds">Coordinator time building batches (index_select, label overlay, negatives).</param>
/// <param name="TrainSeconds">Wall time the coordinator spent training, up to the release of the layers.</param>
public sealed record RunAccounting(IReadOnlyList<LayerTimings> Layers, double BuildSeconds, double TrainSeconds);

/// <summary>A layer kept failing after being restored from its checkpoint.</summary>
public sealed class PipelineFaultException(string message, IReadOnlyList<string> log) : Exception(message)
{
    public IReadOnlyList<string> RunLog { get; } = log.ToArray();

    /// <summary>The layer kept producing non-finite values after its restores: the training diverged.</summary>
    public bool Diverged => Message.Contains("non-finite", StringComparison.Ordinal);

    /// <summary>No layer host was left to place the lost layer on: the cluster is gone.</summary>
    public bool ClusterLost => Message.Contains("no layer host is left", StringComparison.Ordinal);
}
