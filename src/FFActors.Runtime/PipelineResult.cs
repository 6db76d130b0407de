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

    /// <summary>Training time spent before the checkpoint this run resumed from (its finished epochs and the part of the
    /// epoch it stopped in); 0 for a run that did not resume. A resumed run's training time is this plus its own.</summary>
    public double SecondsBeforeResume { get; init; }
}

/// <summary>The runtime's own accounting of a run: what its throughput is made of.</summary>
/// <param name="Layers">Per layer actor: time in its handlers and in the layer's math, work items, chunks shared.</param>
/// <param name="BuildSeconds">Coordinator time building batches (index_select, label overlay, negatives).</param>
/// <param name="TrainSeconds">Wall time the coordinator spent training, up to the release of the layers.</param>
public sealed record RunAccounting(IReadOnlyList<LayerTimings> Layers, double BuildSeconds, double TrainSeconds);

/// <summary>Why the runtime gave up on a run (<see cref="PipelineFaultException.Kind"/>).</summary>
public enum PipelineFault
{
    /// <summary>A layer kept failing with an error after its restores, or was lost when it could not be restored any more.</summary>
    LayerFailing,
    /// <summary>A layer kept producing non-finite values (loss or goodness NaN/Inf) after its restores: the training diverged.</summary>
    Diverged,
    /// <summary>A layer was lost and no layer host was left to place it on: the cluster is gone.</summary>
    ClusterLost,
    /// <summary>Nothing progressed for <c>runtime.stall-timeout</c> seconds: the run was ended rather than left waiting.</summary>
    Stalled,
}

/// <summary>The runtime gave up on a run: a layer kept failing after being restored from its checkpoint, or had nowhere to run.</summary>
public sealed class PipelineFaultException(PipelineFault kind, string message, IReadOnlyList<string> log) : Exception(message)
{
    public PipelineFault Kind { get; } = kind;

    public IReadOnlyList<string> RunLog { get; } = log.ToArray();
}
