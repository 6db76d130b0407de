using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>A neighbour's state a layer holds until it has used it: its tensors (one stream for a scoring pass) and
/// where it came from (the sending layer, −1 for the coordinator; the iteration and batch it was made for).</summary>
internal sealed record HeldState(Tensor Positive, Tensor? Negative, int Layer, int Iteration, int Batch) : IDisposable
{
    public LayerOutput Output => new(Positive, Negative ?? throw new InvalidOperationException("a scoring pass has no negatives"));

    public void Dispose()
    {
        Positive.Dispose();
        Negative?.Dispose();
    }
}

/// <summary>
/// One work item (a training batch, one label's scoring pass, or a feature batch) of a layer whose kind hears the layer above, while it
/// runs its synchronous iterations. The layer actor keeps at most one; every tensor in it is owned by it (detached from
/// the handlers' dispose scopes) until it is used, replaced or the session is disposed.
/// </summary>
internal sealed class IterationSession(ILayerWork work, IActorRef below, int pass, bool hasAbove, Tensor? labels, int last) : IDisposable
{
    /// <summary>The item's last iteration: all of them for training and scoring, the last scored one for head features.</summary>
    public int Last { get; } = last;

    public Stamp Stamp => work.Stamp;

    /// <summary>The scored label, or <see cref="NeighbourState.Training"/>.</summary>
    public int Pass { get; } = pass;

    public bool Training => Pass == NeighbourState.Training;

    public ScoreBatch? Scoring => work as ScoreBatch;

    public FeatureBatch? Features => work as FeatureBatch;

    /// <summary>Who sent the work item: the layer below (or the coordinator for layer 0), to which the top-down path answers.</summary>
    public IActorRef Below { get; } = below;

    /// <summary>The item goes on to a layer above, which sends its states back down.</summary>
    public bool HasAbove { get; } = hasAbove;

    /// <summary>The batch's labels, for kinds that read them (a copy: the original travelled on with the batch).</summary>
    public Tensor? Labels { get; } = labels;

    /// <summary>The last iteration computed (0 once the bottom-up pass is done).</summary>
    public int Done { get; set; }

    /// <summary>The layer's own state at <see cref="Done"/>.</summary>
    public HeldState? Own { get; private set; }

    /// <summary>States received from the layer below and from the layer above, by the iteration they were made at.</summary>
    public Dictionary<int, HeldState> FromBelow { get; } = new();
    public Dictionary<int, HeldState> FromAbove { get; } = new();

    /// <summary>Outputs waiting for a credit of their direction's window.</summary>
    public NeighbourState? HeldUp { get; set; }
    public NeighbourState? HeldDown { get; set; }

    /// <summary>The last iteration's pending training step (its loss owned here), finished at the end.</summary>
    public PendingStep? LastStep { get; private set; }

    /// <summary>The scoring pass's goodness summed over the scored iterations.</summary>
    public Tensor? ScoreSum { get; private set; }

    public void SetOwn(HeldState state)
    {
        Own?.Dispose();
        Own = state;
    }

    public void SetLast(PendingStep step)
    {
        LastStep?.Loss?.Dispose();
        step.Loss?.DetachFromDisposeScope();
        LastStep = step;
    }

    public void SetScore(Tensor? sum)
    {
        if (ReferenceEquals(sum, ScoreSum)) return;
        ScoreSum?.Dispose();
        ScoreSum = sum?.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        Own?.Dispose();
        foreach (var held in FromBelow.Values.Concat(FromAbove.Values)) held.Dispose();
        FromBelow.Clear();
        FromAbove.Clear();
        HeldUp?.Dispose();
        HeldDown?.Dispose();
        LastStep?.Loss?.Dispose();
        ScoreSum?.Dispose();
        Labels?.Dispose();
        (Own, HeldUp, HeldDown, LastStep, ScoreSum) = (null, null, null, null, null);
    }
}
