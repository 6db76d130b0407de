using FFActors.Core.Layers;
using System.Diagnostics;
using Akka.Actor;
using FFActors.Core.Evaluation;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.WorkSharing;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>
/// One FF layer: the only owner of its <see cref="IFFLayer"/> (weights, optimizer, running mean).
/// Work arrives from upstream (the coordinator for layer 0) and is processed in order. Before it
/// processes an item that it must forward, the actor needs a free slot in its window of
/// <c>CreditWindow</c> items sent downstream and not yet credited; otherwise the item waits, and
/// since the actor credits its upstream only after processing, the upstream stalls in turn: no
/// queue grows past the window. A training item is handled as: output and statistics for the batch
/// (<see cref="IFFLayer.Begin"/>, before the update) → sent downstream → the update
/// (<see cref="IFFLayer.Finish"/>) → stats to the coordinator → credit upstream. Every handler opens and closes its own dispose scope.
/// A layer whose kind hears the layer above runs training batches and scoring passes as synchronous iterations with its
/// neighbours (LayerActor.Iterations.cs: the top-down path).
/// States: working (from creation) and released (its trainer handed over; it is stopping and drops whatever still arrives).
/// </summary>
internal sealed partial class LayerActor : ReceiveActor
{
    readonly LayerActorSettings s;
    readonly int index;
    readonly Queue<(ILayerWork Work, IActorRef From)> queued = new();
    IFFLayer? trainer;
    SharingChunkRunner? sharing;
    long chunksHelped;
    int inFlight;
    int currentEpoch = -1;
    long computeTicks, handlerTicks, items;
    int maxQueued, maxInFlight;

    public LayerActor(LayerActorSettings settings)
    {
        s = settings;
        index = settings.Options.Index;
        Become(Working);
    }

    public static Props Props(LayerActorSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new LayerActor(settings)).WithDispatcher(dispatcher);

    Stamp Here(int epoch, int batch) => new(s.RunId, s.Generation, epoch, batch);

    protected override void PreStart()
    {
        IntraOpThreads.Ensure(s.Threads);
        trainer = s.Options.Create(s.Seed, s.Device);
        if (s.Checkpoint is not null) LayerCheckpoint.FromBytes(trainer, s.Checkpoint);
        if (s.Sharing is { } group)
        {
            sharing = new SharingChunkRunner(group, s.Lane, Self);
            trainer.Chunks = sharing;
            group.Join(s.Lane, Self);
        }
    }

    public static string FileName(int layer) => $"layer{layer}.bin";

    void Working()
    {
        Receive<ILayerWork>(work =>
        {
            if (work.Stamp.Generation != s.Generation || work.Stamp.RunId != s.RunId)
            {
                work.Dispose();
                return;
            }
            queued.Enqueue((work, Sender));
            maxQueued = Math.Max(maxQueued, queued.Count);
            Drain();
        });
        Receive<HelpWith>(Help);
        Receive<NeighbourState>(m =>
        {
            long start = Stopwatch.GetTimestamp();
            IntraOpThreads.Ensure(s.Threads);
            OnNeighbour(m);
            Drain();
            handlerTicks += Stopwatch.GetTimestamp() - start;
        });
        Receive<Credit>(c => c.Stamp.Generation == s.Generation, c =>
        {
            // The layer above credits what went up; the layer below credits top-down states (the top-down path).
            if (c.Layer < index) inFlightDown--;
            else inFlight--;
            if (session is not null)
            {
                IntraOpThreads.Ensure(s.Threads);
                AdvanceIterations();
            }
            Drain();
        });
        Receive<SaveCheckpoint>(save => save.Stamp.Generation == s.Generation, Save);
        Receive<ReadWeights>(read => read.Stamp.Generation == s.Generation, read => Sender.Tell(CopyWeights(read), Self));
        Receive<ReleaseLayer>(release => release.Stamp.Generation == s.Generation, Release);
        // Requests of another generation are ignored, as its work is dropped.
        Receive<Credit>(_ => { });
        Receive<SaveCheckpoint>(_ => { });
        Receive<ReadWeights>(_ => { });
        Receive<ReleaseLayer>(_ => { });
    }

    void Released()
    {
        Receive<IDisposable>(m => m.Dispose());
        ReceiveAny(_ => { });
    }

    /// <summary>Hands the trainer over as checkpoint bytes and stops.</summary>
    void Release(ReleaseLayer release)
    {
        var t = trainer ?? throw new InvalidOperationException($"layer {index} has no trainer");
        IntraOpThreads.Ensure(s.Threads);
        var bytes = LayerCheckpoint.ToBytes(t);
        trainer = null;
        t.Dispose();
        Sender.Tell(new LayerReleased(release.Stamp, index, bytes, Timings()));
        Become(Released);
        Context.Stop(Self);
    }

    LayerTimings Timings() => new(index, computeTicks / (double)Stopwatch.Frequency,
        handlerTicks / (double)Stopwatch.Frequency, items, maxQueued, maxInFlight, sharing?.ChunksShared ?? 0, chunksHelped);

    /// <summary>Runs another layer's unclaimed matmul chunks (none left if that layer has finished them itself).</summary>
    void Help(HelpWith help)
    {
        long start = Stopwatch.GetTimestamp();
        IntraOpThreads.Ensure(s.Threads);
        chunksHelped += help.Job.Help();
        handlerTicks += Stopwatch.GetTimestamp() - start;
    }

    void Drain()
    {
        while (queued.Count > 0)
        {
            // A work item in synchronous iterations holds the queue until it ends.
            if (session is not null) return;
            var (work, from) = queued.Peek();
            bool forward = Forwards(work);
            if (forward && inFlight >= s.CreditWindow) return;
            queued.Dequeue();
            if (Lost(work)) continue;
            long start = Stopwatch.GetTimestamp();
            IntraOpThreads.Ensure(s.Threads);
            if (Iterates(work))
            {
                // Credits go back as the iterations use their inputs; the reply comes when the last one is done.
                StartIterations(work, from, forward);
                handlerTicks += Stopwatch.GetTimestamp() - start;
                continue;
            }
            // A handler's dispose scope has closed before its results leave, so whoever receives them (the
            // next layer, the coordinator) sees this layer's temporaries already freed: the leak tests count
            // tensors when the coordinator has its answers. Training hands its output on before the update
            // instead (see Train), and every layer answers a training step.
            var (next, reply) = work switch
            {
                TrainBatch b => (null, Train(b, forward)),
                ProbeBatch p => Probe(p, forward),
                ScoreBatch sc => Score(sc, forward),
                FeatureBatch fb => Features(fb, forward),
                _ => throw new InvalidOperationException($"layer {index} got unknown work {work.GetType().Name}"),
            };
            if (next is not null) Send(next);
            if (reply is not null) s.Coordinator.Tell(reply, Self);
            items++;
            from.Tell(new Credit(work.Stamp, index), Self);
            handlerTicks += Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>An injected lost message (<see cref="FaultKind.Drop"/>): the batch is freed unseen, with no credit and no reply.</summary>
    bool Lost(ILayerWork work)
    {
        if (work is not TrainBatch b || s.Hooks?.Fault is not { Kind: FaultKind.Drop } drop
            || !drop.TryFire(index, b.Stamp.Epoch, b.Stamp.Batch)) return false;
        b.Dispose();
        return true;
    }

    bool Forwards(ILayerWork work) => s.Downstream is not null && work switch
    {
        ScoreBatch sc => index < sc.Deepest,
        FeatureBatch fb => index < fb.Deepest,
        _ => true,
    };

    void Send(object work)
    {
        s.Downstream!.Tell(work, Self);
        inFlight++;
        maxInFlight = Math.Max(maxInFlight, inFlight);
    }

    IFFLayer Trainer => trainer ?? throw new InvalidOperationException($"layer {index} was released");

    LayerWeights CopyWeights(ReadWeights read)
    {
        using var scope = NewDisposeScope();
        var state = ModelReplica.StateOf(Trainer);
        foreach (var t in state.Values) t.DetachFromDisposeScope();
        return new LayerWeights(read.Stamp, index, state);
    }

    /// <summary>
    /// What every training batch goes through on arrival, iterated or not: <paramref name="scope"/> takes ownership of its
    /// tensors (the last layer also of what travelled down with it), the optimizer's schedule moves to its epoch, and an
    /// injected fault fires. Returns the positives to train on (NaN under an injected non-finite fault).
    /// </summary>
    Tensor Admit(TrainBatch b, bool forward, TorchSharp.DisposeScope scope)
    {
        scope.Attach(b.Positive);
        scope.Attach(b.Negative);
        if (!forward)
        {
            foreach (var signal in b.Signals?.Values ?? []) scope.Attach(signal);
            if (b.Labels is not null) scope.Attach(b.Labels);
        }
        if (b.Stamp.Epoch != currentEpoch)
        {
            Trainer.SetEpoch(b.Stamp.Epoch, s.Epochs);
            currentEpoch = b.Stamp.Epoch;
        }
        var fault = s.Hooks?.Fault;
        if (fault is null || fault.Kind == FaultKind.Drop || !fault.TryFire(index, b.Stamp.Epoch, b.Stamp.Batch)) return b.Positive;
        if (fault.Kind == FaultKind.Throw) throw new LayerFaultException(index, b.Stamp, "injected fault");
        return b.Positive * KeptScalars.Of(float.NaN);
    }

    LayerStepped Train(TrainBatch b, bool forward)
    {
        var t = Trainer;
        using var scope = NewDisposeScope();
        var pos = Admit(b, forward, scope);
        var input = ProbeRules.StepInputFor(index, pos, b.Negative, b.Labels, b.Signals);

        long c0 = Stopwatch.GetTimestamp();
        var step = AsFault(b.Stamp, () => t.Begin(input));
        computeTicks += Stopwatch.GetTimestamp() - c0;
        var (output, stats) = (step.Output, step.Stats);
        if (!double.IsFinite(stats.Loss) || !double.IsFinite(stats.GoodPos) || !double.IsFinite(stats.GoodNeg))
            throw new LayerFaultException(index, b.Stamp, $"non-finite result (loss {stats.Loss}, goodness {stats.GoodPos}/{stats.GoodNeg})", nonFinite: true);

        Tensor? goodPos = null, goodNeg = null;
        var trace = s.Hooks?.OnLayerStep;
        if (s.ReportGoodness || trace is not null)
        {
            goodPos = t.Score(output.Positive);
            goodNeg = t.Score(output.Negative);
        }
        if (trace is not null)
            trace(new LayerStepTrace(index, s.Generation, b.Stamp.Epoch, b.Stamp.Batch,
                input.CollabPositive?.data<float>().ToArray(), input.CollabNegative?.data<float>().ToArray(),
                goodPos!.data<float>().ToArray(), goodNeg!.data<float>().ToArray(),
                input.Signals?.ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray())));

        // The next layer starts on the batch while this one updates: the output is from the weights
        // before the update, and the update only reads it (it shares storage with the autograd graph).
        if (forward)
            Send(new TrainBatch(b.Stamp, output.Positive.DetachFromDisposeScope(), output.Negative.DetachFromDisposeScope(), b.Signals, b.Labels));
        long u0 = Stopwatch.GetTimestamp();
        AsFault(b.Stamp, () => { t.Finish(step); return 0; });
        computeTicks += Stopwatch.GetTimestamp() - u0;
        return new LayerStepped(b.Stamp, index, stats,
            s.ReportGoodness ? goodPos!.DetachFromDisposeScope() : null,
            s.ReportGoodness ? goodNeg!.DetachFromDisposeScope() : null);
    }

    /// <summary>Runs layer math; whatever it throws becomes a <see cref="LayerFaultException"/> for batch <paramref name="stamp"/>.</summary>
    T AsFault<T>(Stamp stamp, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e)
        {
            throw new LayerFaultException(index, stamp, e.Message, e);
        }
    }

    (ILayerWork? Next, object? Reply) Probe(ProbeBatch p, bool forward)
    {
        var t = Trainer;
        using var scope = NewDisposeScope();
        scope.Attach(p.Positive);
        scope.Attach(p.Negative);
        long c0 = Stopwatch.GetTimestamp();
        var hPos = t.Forward(p.Positive);
        var hNeg = t.Forward(p.Negative);
        // The same steps as Core's probe pass (ProbeRules.Probe), so both publish the same tensors.
        var published = AsFault(p.Stamp, () => t.Publish(hPos, hNeg, ProbeRules.KindsOf(p.Demands, index)).ToArray());
        computeTicks += Stopwatch.GetTimestamp() - c0;
        return (forward ? new ProbeBatch(p.Stamp, hPos.DetachFromDisposeScope(), hNeg.DetachFromDisposeScope(), p.Demands) : null,
            published.Length == 0 ? null
                : new ProbeReport(p.Stamp, index, published.Select(x => x.Kind).ToArray(), published.Select(x => x.Values.DetachFromDisposeScope()).ToArray()));
    }

    (ILayerWork? Next, object? Reply) Score(ScoreBatch sc, bool forward)
    {
        var t = Trainer;
        using var scope = NewDisposeScope();
        scope.Attach(sc.Input);
        long c0 = Stopwatch.GetTimestamp();
        var h = t.Forward(sc.Input);
        Tensor? g = (sc.ReportMask & (1L << index)) != 0 ? t.Score(h) : null;
        computeTicks += Stopwatch.GetTimestamp() - c0;
        return (forward ? new ScoreBatch(sc.Stamp, sc.Label, h.DetachFromDisposeScope(), sc.Deepest, sc.ReportMask) : null,
            g is null ? null : new ScoreGoodness(sc.Stamp, sc.Label, index, g.DetachFromDisposeScope()));
    }

    (ILayerWork? Next, object? Reply) Features(FeatureBatch fb, bool forward)
    {
        var t = Trainer;
        using var scope = NewDisposeScope();
        scope.Attach(fb.Input);
        long c0 = Stopwatch.GetTimestamp();
        var h = t.Forward(fb.Input);
        Tensor? f = null;
        if ((fb.ReportMask & (1L << index)) != 0)
        {
            f = t.Features(h);
        }
        computeTicks += Stopwatch.GetTimestamp() - c0;
        return (forward ? new FeatureBatch(fb.Stamp, h.DetachFromDisposeScope(), fb.Deepest, fb.ReportMask) : null,
            f is null ? null : new LayerFeatures(fb.Stamp, index, f.DetachFromDisposeScope()));
    }

    void Save(SaveCheckpoint save)
    {
        IntraOpThreads.Ensure(s.Threads);
        Sender.Tell(new CheckpointSaved(save.Stamp, index, save.CheckpointId, LayerCheckpoint.ToBytes(Trainer)), Self);
    }

    protected override void PostStop()
    {
        s.Sharing?.Leave(Self);
        session?.Dispose();
        session = null;
        while (queued.Count > 0) queued.Dequeue().Work.Dispose();
        trainer?.Dispose();
        trainer = null;
    }
}
