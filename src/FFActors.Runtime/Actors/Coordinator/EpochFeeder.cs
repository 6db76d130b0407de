using System.Diagnostics;
using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>Everything the epoch feeder is built from.</summary>
internal sealed record FeederSettings(CoordinatorSettings Run, IReadOnlyList<LayerSpec> Layers, IActorRef Exchange, RunLog Log);

/// <summary>
/// The only actor that sends work to layer 0, and the owner of its credit window. Builds each batch's
/// positives and negatives (the same generators, in the same order, as <see cref="FFTrainer"/>), keeps the
/// model view of model-driven negative strategies fresh, gets exact γ through the signal exchange or stale
/// γ from its table, completes batches in order for the observer, and streams the evaluator's passes.
/// States: idle (no generation or between epochs), feeding, held (drained at a checkpoint point or after a
/// stop request, until the supervisor answers) and epoch-done (drained at the epoch end, until closed).
/// </summary>
internal sealed class EpochFeeder : CoordinatorPart
{
    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly DataSplits data;
    readonly RunLog log;
    readonly IActorRef exchange;
    readonly int layerCount, window, epochs;
    readonly BatchSource source;
    readonly CollaborationOptions collab;
    readonly bool exact;
    readonly int[] allLayers;
    readonly ViewRefresh viewRefresh;

    int generation;
    IReadOnlyList<IActorRef> layers = [];
    int epoch, next, completed, holdAt, outstanding;
    bool open;
    byte[] epochOrderState = [];
    readonly BatchLedger pending;
    StatsSums sums;
    double elapsedBefore;
    readonly Stopwatch watch = new();
    StagedBatch? staged;
    bool stopRequested;
    StreamPasses? passes;
    int nextUnit;

    public EpochFeeder(FeederSettings settings) : base(settings.Run.CoordinatorThreads)
    {
        s = settings.Run;
        config = s.Config;
        data = s.Data;
        log = settings.Log;
        exchange = settings.Exchange;
        layerCount = settings.Layers.Count;
        allLayers = Enumerable.Range(0, layerCount).ToArray();
        window = s.Runtime.CreditWindow;
        epochs = config.Train.Epochs;
        source = new BatchSource(s, settings.Layers);
        collab = config.Train.CollaborationOrDefault;
        exact = collab.Enabled && collab.Exchange == GammaExchange.Exact;
        pending = new BatchLedger(layerCount);
        viewRefresh = new ViewRefresh(config.Train.ModelViewRefresh);
        sums = new StatsSums(layerCount);
        Become(Idle);
    }

    public static Props Props(FeederSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new EpochFeeder(settings)).WithDispatcher(dispatcher);

    Stamp StampFor(int batch) => new(s.RunId, generation, epoch, batch);

    // ---------------------------------------------------------------- states

    void Idle()
    {
        Receive<OpenEpoch>(_ => OpenEpoch());
        Always();
    }

    void Feeding()
    {
        Receive<Credit>(c => c.Stamp.Generation == generation, _ =>
        {
            outstanding--;
            Advance();
        });
        Receive<LayerStepped>(OnStepped);
        Receive<SignalsDelivered>(OnSignals);
        Receive<LayerWeights>(OnWeights);
        Receive<StopFeeding>(_ =>
        {
            RequestStop();
            Advance();
        });
        Always();
    }

    void Held()
    {
        Receive<ResumeFeeding>(_ =>
        {
            holdAt = NextHold();
            Become(Feeding);
            Advance();
        });
        Always();
    }

    void EpochDone()
    {
        Receive<CloseEpoch>(_ => CloseEpoch());
        Always();
    }

    /// <summary>Handled in every state: restores, credits of evaluation passes, the stop flag, and stale messages.</summary>
    void Always()
    {
        Receive<Feed>(OnFeed);
        Receive<SuspendFeeding>(m =>
        {
            generation = m.Generation;
            DisposeTransient();
            Become(Idle);
        });
        Receive<Credit>(c =>
        {
            if (c.Stamp.Generation != generation) return;
            outstanding--;
            PumpPasses();
        });
        Receive<StreamPasses>(p =>
        {
            if (p.Stamp.Generation != generation) return;
            (passes, nextUnit) = (p, 0);
            PumpPasses();
        });
        Receive<StopFeeding>(_ => RequestStop());
        Receive<ReportBuildTime>(_ => Sender.Tell(new BuildTime(source.BuildTicks / (double)Stopwatch.Frequency), Self));
        Receive<IDisposable>(m => m.Dispose());
    }

    void RequestStop()
    {
        if (stopRequested) return;
        stopRequested = true;
        log.Info($"stop requested during epoch {epoch + 1} at batch {completed}: finishing the batches in flight");
    }

    // ---------------------------------------------------------------- restore, epochs

    void OnFeed(Feed f)
    {
        generation = f.Generation;
        layers = f.Layers;
        DisposeTransient();
        var snap = f.From;
        epoch = snap.Epoch;
        sums = snap.Sums.Clone();
        elapsedBefore = snap.ElapsedSeconds;
        stopRequested = f.Stopping;
        source.Restore(snap);
        outstanding = 0;
        Become(Idle);
        if (epoch < epochs) StartEpoch(snap.OrderState, snap.Batch);
    }

    void OpenEpoch() => StartEpoch(source.OrderState, 0);

    void StartEpoch(byte[] orderState, int fromBatch)
    {
        epochOrderState = orderState;
        source.OpenEpoch(epoch);
        open = true;
        next = completed = fromBatch;
        watch.Restart();
        holdAt = NextHold();
        s.Observer.PhaseStarted(fromBatch == 0
                ? $"epoch {epoch + 1}/{epochs}"
                : $"epoch {epoch + 1}/{epochs} (from batch {fromBatch})",
            data.Train.Count - (long)fromBatch * source.BatchSize);
        Become(Feeding);
        Advance();
    }

    void CloseEpoch()
    {
        source.CloseEpoch();
        open = false;
        epoch++;
        sums = new StatsSums(layerCount);
        elapsedBefore = 0;
        Sender.Tell(new EpochClosed(StateAt(0, source.OrderState)), Self);
        Become(Idle);
    }

    FeederState StateAt(int batch, byte[] orderState)
    {
        double elapsed = batch == 0 ? 0 : elapsedBefore + watch.Elapsed.TotalSeconds;
        return new FeederState(epoch, batch, orderState, source.NegativeState, sums.Clone(), elapsed, source.StaleTable());
    }

    int NextHold()
    {
        int n = source.Count;
        int every = s.Runtime.CheckpointEvery;
        if (s.Store is not null && every > 0) return Math.Min(n, (completed / every + 1) * every);
        return n;
    }

    bool Drained => completed == next && staged is null;

    /// <summary>Decides what happens next while feeding.</summary>
    void Advance()
    {
        if (!open) return;
        if (Drained)
        {
            if (completed == source.Count)
            {
                Context.Parent.Tell(new EpochDrained(epoch, elapsedBefore + watch.Elapsed.TotalSeconds, sums.Clone()), Self);
                Become(EpochDone);
                return;
            }
            if (stopRequested || completed == holdAt)
            {
                Context.Parent.Tell(new FeederHeld(StateAt(completed, epochOrderState), stopRequested ? HoldReason.Stop : HoldReason.HoldPoint), Self);
                Become(Held);
                return;
            }
        }
        Pump();
    }

    // ---------------------------------------------------------------- feeding

    void Pump()
    {
        int limit = stopRequested ? next : Math.Min(holdAt, source.Count);
        if (!exact)
        {
            while (next < limit && outstanding < window && ViewReady(next))
            {
                layers[0].Tell(Build(next), Self);
                outstanding++;
                next++;
            }
            return;
        }
        // Exact γ: probe batch t right behind TrainBatch(t − 1), so every layer probes after its update on t − 1.
        while (true)
        {
            if (staged is null)
            {
                if (next < limit && outstanding < window && ViewReady(next))
                {
                    var built = Build(next);
                    var (pos, neg) = (built.Positive, built.Negative);
                    staged = new StagedBatch(next, pos, neg);
                    var stamp = StampFor(next);
                    exchange.Tell(new SubscribeSignals(SignalKey.For(stamp, SignalKinds.GoodnessPositive), allLayers, Self), Self);
                    exchange.Tell(new SubscribeSignals(SignalKey.For(stamp, SignalKinds.GoodnessNegative), allLayers, Self), Self);
                    layers[0].Tell(new ProbeBatch(stamp, pos.clone().DetachFromDisposeScope(), neg.clone().DetachFromDisposeScope()), Self);
                    outstanding++;
                }
                return;
            }
            if (!staged.Ready || outstanding >= window) return;
            staged.Sent = true;
            layers[0].Tell(new TrainBatch(StampFor(staged.Batch), staged.Positive, staged.Negative, staged.GammaPos, staged.GammaNeg), Self);
            outstanding++;
            next++;
            staged.Dispose();
            staged = null;
        }
    }

    TrainBatch Build(int batch)
    {
        var (built, p) = source.Build(StampFor(batch), batch);
        pending.Add(batch, p);
        return built;
    }

    void OnSignals(SignalsDelivered d)
    {
        if (d.Key.Generation != generation || staged is null || d.Key.Batch != staged.Batch || d.Key.Epoch != epoch)
        {
            d.Dispose();
            return;
        }
        staged.Take(d, collab);
        Advance();
    }

    void OnStepped(LayerStepped m)
    {
        if (m.Stamp.Generation != generation || m.Stamp.Epoch != epoch)
        {
            m.Dispose();
            return;
        }
        if (!pending.Take(m)) return;
        CompleteInOrder();
        Advance();
    }

    void CompleteInOrder()
    {
        while (pending.TakeComplete(completed) is { } p)
        {
            var stats = new (int, LayerStepStats)[layerCount];
            for (int l = 0; l < layerCount; l++)
            {
                sums.Add(l, p.Stats[l]);
                stats[l] = (l, p.Stats[l]);
            }
            source.Record(p);
            p.Dispose();
            completed++;
            s.Observer.BatchCompleted(p.Samples, stats);
        }
    }

    // ---------------------------------------------------------------- model view

    /// <summary>True when batch <paramref name="batch"/> may be built: the strategy needs no model, or the view holds
    /// the weights it must see; otherwise asks the layers for them once every earlier batch has completed (so every
    /// layer has made exactly the updates before this batch).</summary>
    bool ViewReady(int batch)
    {
        var view = source.View;
        return view is null || viewRefresh.Ready(StampFor(batch), completed == batch && staged is null, view.LayerCount, stamp =>
        {
            for (int l = 0; l < view.LayerCount; l++) layers[l].Tell(new ReadWeights(stamp), Self);
        });
    }

    void OnWeights(LayerWeights w)
    {
        if (source.View is { } view && viewRefresh.Load(w, view)) Advance();
        else if (source.View is null) w.Dispose();
    }

    // ---------------------------------------------------------------- evaluation passes

    void PumpPasses()
    {
        var p = passes;
        if (p is null) return;
        int units = p.Batches * (p.Kind == PassKind.Score ? p.Classes : 1);
        while (nextUnit < units && outstanding < window)
        {
            layers[0].Tell(source.PassItem(p, nextUnit++), Self);
            outstanding++;
        }
        if (nextUnit == units) passes = null;
    }

    // ---------------------------------------------------------------- the end

    void DisposeTransient()
    {
        pending.Dispose();
        staged?.Dispose();
        staged = null;
        source.CloseOrder();
        open = false;
        passes = null;
        viewRefresh.Reset();
    }

    protected override void PostStop()
    {
        DisposeTransient();
        source.Dispose();
    }
}
