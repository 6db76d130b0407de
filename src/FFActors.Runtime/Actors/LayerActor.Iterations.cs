using System.Diagnostics;
using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>
/// The top-down path: a layer whose kind hears the layer above (<see cref="LayerSpec.TopDown"/>) runs each training batch
/// and each scoring pass as synchronous iterations (a feature batch up to the last scored iteration: the head reads settled states). Iteration 0 is the bottom-up pass and travels up as the work item
/// itself; after each iteration t &lt; T the layer sends its state up and its top-down activity down
/// (<see cref="NeighbourState"/>), and it computes iteration t + 1 once it has the states of both neighbours at t (the
/// layer below's, or the batch itself for layer 0; the layer above's, or nothing for the top layer, which hears the
/// label). The two directions have a credit window each (<c>CreditWindow</c>): an output waits in the session until its
/// direction has a free slot, the layer computes no further iteration while one waits, and it credits a neighbour's state
/// once it has used it. Since an iteration t message only ever waits for the use of the iteration t − 1 message, which
/// needs nothing later, the iterations cannot deadlock, even with W = 1. The layer starts its next work item only when
/// the session has ended (after the update, for training).
/// </summary>
internal sealed partial class LayerActor
{
    IterationSession? session;
    int inFlightDown, maxInFlightDown;

    TopDownSchedule? Schedule => Trainer.Spec.TopDown;

    bool Iterates(ILayerWork work) => Schedule is not null && work is TrainBatch or ScoreBatch or FeatureBatch;

    /// <summary>The bottom-up pass of a work item: iteration 0, sent up as the item itself; its top-down activity waits for
    /// the layer below's window.</summary>
    void StartIterations(ILayerWork work, IActorRef from, bool forward)
    {
        var t = Trainer;
        using var scope = NewDisposeScope();
        long c0 = Stopwatch.GetTimestamp();
        switch (work)
        {
            case TrainBatch b:
            {
                var pos = Admit(b, forward, scope);
                var step = AsFault(b.Stamp, () => t.Begin(TopDownIterations.Input(0, new LayerOutput(pos, b.Negative), b.Labels, null, null)));
                session = new IterationSession(work, from, NeighbourState.Training, forward, b.Labels?.clone().DetachFromDisposeScope(), Schedule!.Iterations);
                session.FromBelow[0] = new HeldState(pos.DetachFromDisposeScope(), b.Negative.DetachFromDisposeScope(), index - 1, 0, b.Stamp.Batch);
                session.SetOwn(new HeldState(step.Output.Positive.DetachFromDisposeScope(), step.Output.Negative.DetachFromDisposeScope(), index, 0, b.Stamp.Batch));
                if (forward)
                    Send(new TrainBatch(b.Stamp, step.Output.Positive.clone().DetachFromDisposeScope(), step.Output.Negative.clone().DetachFromDisposeScope(),
                        b.Signals, b.Labels));
                break;
            }
            case ScoreBatch sc:
            {
                scope.Attach(sc.Input);
                var h = AsFault(sc.Stamp, () => t.Infer(sc.Input, null, null, 0));
                session = new IterationSession(work, from, sc.Label, forward, null, Schedule!.Iterations);
                session.FromBelow[0] = new HeldState(sc.Input.DetachFromDisposeScope(), null, index - 1, 0, sc.Stamp.Batch);
                session.SetOwn(new HeldState(h.DetachFromDisposeScope(), null, index, 0, sc.Stamp.Batch));
                if (forward) Send(new ScoreBatch(sc.Stamp, sc.Label, h.clone().DetachFromDisposeScope(), sc.Deepest, sc.ReportMask));
                break;
            }
            case FeatureBatch fb:
            {
                // Head features are the settled states: the iterations up to the last scored one.
                scope.Attach(fb.Input);
                var h = AsFault(fb.Stamp, () => t.Infer(fb.Input, null, null, 0));
                session = new IterationSession(work, from, NeighbourState.Features, forward, null, Schedule!.ScoreTo);
                session.FromBelow[0] = new HeldState(fb.Input.DetachFromDisposeScope(), null, index - 1, 0, fb.Stamp.Batch);
                session.SetOwn(new HeldState(h.DetachFromDisposeScope(), null, index, 0, fb.Stamp.Batch));
                if (forward) Send(new FeatureBatch(fb.Stamp, h.clone().DetachFromDisposeScope(), fb.Deepest, fb.ReportMask));
                break;
            }
        }
        var it = session!;
        Trace(it, 0, it.FromBelow[0], null);
        if (index > 0) it.HeldDown = DownOf(it);
        computeTicks += Stopwatch.GetTimestamp() - c0;
        AdvanceIterations();
    }

    /// <summary>A neighbour's state for the current session (anything else of this generation is a protocol error).</summary>
    void OnNeighbour(NeighbourState m)
    {
        if (m.Stamp.Generation != s.Generation || m.Stamp.RunId != s.RunId)
        {
            m.Dispose();
            return;
        }
        var it = session;
        if (it is null || m.Stamp != it.Stamp || m.Pass != it.Pass || m.Iteration < it.Done || (m.Layer != index - 1 && m.Layer != index + 1))
        {
            m.Dispose();
            throw new LayerFaultException(index, m.Stamp,
                $"state of layer {m.Layer}, iteration {m.Iteration}, pass {m.Pass} does not belong to {(it is null ? "any work item" : $"{it.Stamp} pass {it.Pass} at iteration {it.Done}")}");
        }
        var held = new HeldState(m.Positive, m.Negative, m.Layer, m.Iteration, m.Stamp.Batch);
        var into = m.Layer < index ? it.FromBelow : it.FromAbove;
        if (!into.TryAdd(m.Iteration, held))
        {
            held.Dispose();
            throw new LayerFaultException(index, m.Stamp, $"iteration {m.Iteration} of layer {m.Layer} arrived twice");
        }
        AdvanceIterations();
    }

    /// <summary>Sends the session's waiting outputs where their window allows; true when none waits.</summary>
    bool FlushHeld(IterationSession it)
    {
        if (it.HeldUp is { } up && inFlight < s.CreditWindow)
        {
            Send(up);
            it.HeldUp = null;
        }
        if (it.HeldDown is { } down && inFlightDown < s.CreditWindow)
        {
            it.Below.Tell(down, Self);
            inFlightDown++;
            maxInFlightDown = Math.Max(maxInFlightDown, inFlightDown);
            it.HeldDown = null;
        }
        return it.HeldUp is null && it.HeldDown is null;
    }

    /// <summary>Computes every iteration whose inputs are in, while no output waits; ends the session after the last.</summary>
    void AdvanceIterations()
    {
        while (session is { } it)
        {
            if (!FlushHeld(it)) return;
            if (it.Done == it.Last)
            {
                EndIterations(it);
                return;
            }
            int t = it.Done;
            if (!it.FromBelow.TryGetValue(index == 0 ? 0 : t, out var below)) return;
            HeldState? above = null;
            if (it.HasAbove && !it.FromAbove.TryGetValue(t, out above)) return;
            Iterate(it, t + 1, below, above);
            // Used: credit the senders before the outputs go, so each neighbour has its slot back before it needs it.
            if (index > 0 || t == 0) it.Below.Tell(new Credit(it.Stamp, index), Self);
            if (index > 0)
            {
                it.FromBelow.Remove(t);
                below.Dispose();
            }
            if (above is not null)
            {
                it.FromAbove.Remove(t);
                above.Dispose();
                s.Downstream!.Tell(new Credit(it.Stamp, index), Self);
            }
            if (it.Done < it.Last)
            {
                if (it.HasAbove) it.HeldUp = UpOf(it);
                if (index > 0) it.HeldDown = DownOf(it);
            }
        }
    }

    /// <summary>Iteration <paramref name="t"/> from the neighbours' states at t − 1 and the layer's own.</summary>
    void Iterate(IterationSession it, int t, HeldState below, HeldState? above)
    {
        var layer = Trainer;
        long c0 = Stopwatch.GetTimestamp();
        using var scope = NewDisposeScope();
        var own = it.Own!;
        if (it.Training)
        {
            var signals = above is null ? null : new Dictionary<string, Tensor>
            {
                [SignalNames.TopDownPositive] = above.Positive,
                [SignalNames.TopDownNegative] = above.Negative!,
            };
            var step = AsFault(it.Stamp, () => layer.Begin(TopDownIterations.Input(t, below.Output, it.Labels, own.Output, signals)));
            it.SetLast(step);
            it.SetOwn(new HeldState(step.Output.Positive.DetachFromDisposeScope(), step.Output.Negative.DetachFromDisposeScope(), index, t, it.Stamp.Batch));
        }
        else
        {
            var h = AsFault(it.Stamp, () => layer.Infer(below.Positive, own.Positive, above?.Positive, t));
            if (it.Scoring is { } sc && Reports(sc.ReportMask)) it.SetScore(TopDownIterations.AddScore(layer, Schedule!, t, h, it.ScoreSum));
            it.SetOwn(new HeldState(h.DetachFromDisposeScope(), null, index, t, it.Stamp.Batch));
        }
        it.Done = t;
        Trace(it, t, below, above);
        computeTicks += Stopwatch.GetTimestamp() - c0;
    }

    bool Reports(long mask) => (mask & (1L << index)) != 0;

    /// <summary>The layer's state at the session's last iteration, for the layer above.</summary>
    NeighbourState UpOf(IterationSession it)
    {
        using var scope = NewDisposeScope();
        var own = it.Own!;
        return new NeighbourState(it.Stamp, it.Pass, it.Done, index, own.Positive.clone().DetachFromDisposeScope(),
            own.Negative?.clone().DetachFromDisposeScope());
    }

    /// <summary>The layer's top-down activity at the session's last iteration, for the layer below (<see cref="TopDownIterations.Down(IFFLayer, LayerOutput)"/>).</summary>
    NeighbourState DownOf(IterationSession it)
    {
        using var scope = NewDisposeScope();
        var own = it.Own!;
        if (own.Negative is null)
            return new NeighbourState(it.Stamp, it.Pass, it.Done, index, TopDownIterations.Down(Trainer, own.Positive).DetachFromDisposeScope(), null);
        var down = TopDownIterations.Down(Trainer, own.Output);
        return new NeighbourState(it.Stamp, it.Pass, it.Done, index, down[SignalNames.TopDownPositive].DetachFromDisposeScope(),
            down[SignalNames.TopDownNegative].DetachFromDisposeScope());
    }

    /// <summary>The last iteration is done: training updates and reports its step, scoring reports the summed goodness.</summary>
    void EndIterations(IterationSession it)
    {
        var t = Trainer;
        object? reply = null;
        using (var scope = NewDisposeScope())
        {
            long c0 = Stopwatch.GetTimestamp();
            if (it.Training)
            {
                var step = it.LastStep!;
                var stats = step.Stats;
                if (!double.IsFinite(stats.Loss) || !double.IsFinite(stats.GoodPos) || !double.IsFinite(stats.GoodNeg))
                    throw new LayerFaultException(index, it.Stamp, $"non-finite result (loss {stats.Loss}, goodness {stats.GoodPos}/{stats.GoodNeg})", nonFinite: true);
                Tensor? goodPos = null, goodNeg = null;
                var trace = s.Hooks?.OnLayerStep;
                if (s.ReportGoodness || trace is not null)
                {
                    goodPos = t.Score(it.Own!.Positive);
                    goodNeg = t.Score(it.Own.Negative!);
                }
                if (trace is not null)
                    trace(new LayerStepTrace(index, s.Generation, it.Stamp.Epoch, it.Stamp.Batch, null, null,
                        goodPos!.data<float>().ToArray(), goodNeg!.data<float>().ToArray()));
                AsFault(it.Stamp, () => { t.Finish(step); return 0; });
                reply = new LayerStepped(it.Stamp, index, stats, s.ReportGoodness ? goodPos!.DetachFromDisposeScope() : null,
                    s.ReportGoodness ? goodNeg!.DetachFromDisposeScope() : null);
            }
            else if (it.Scoring is { } sc && Reports(sc.ReportMask))
            {
                var sum = it.ScoreSum ?? throw new InvalidOperationException($"layer {index}: no scored iteration");
                reply = new ScoreGoodness(it.Stamp, it.Pass, index, sum.clone().DetachFromDisposeScope());
            }
            else if (it.Features is { } fb && Reports(fb.ReportMask))
                reply = new LayerFeatures(it.Stamp, index, t.Features(it.Own!.Positive).DetachFromDisposeScope());
            computeTicks += Stopwatch.GetTimestamp() - c0;
        }
        session = null;
        it.Dispose();
        items++;
        if (reply is not null) s.Coordinator.Tell(reply, Self);
    }

    void Trace(IterationSession it, int t, HeldState below, HeldState? above) =>
        s.Hooks?.OnIteration?.Invoke(new IterationTrace(index, s.Generation, it.Stamp.Epoch, it.Stamp.Batch, it.Pass, t,
            below.Layer, below.Iteration, below.Batch, above?.Layer ?? -1, above?.Iteration ?? -1, above?.Batch ?? -1));
}
