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
/// model view of model-driven negative strategies fresh, gets the signals of a probe pass (exact γ, a kind's
/// modulation) through the signal exchange or stale γ from its table, completes batches in order for the observer, and streams the evaluator's passes.
/// States: idle (no generation or between epochs), feeding, held (drained at a checkpoint point or after a
/// stop request, until the supervisor answers) and epoch-done (drained at the epoch end, until closed).
/// </summary>
internal sealed class EpochFeeder : CoordinatorPart
{
    readonly CoordinatorSettings s;
    readonly RunLog log;
    readonly IActorRef exchange;
    readonly IReadOnlyList<LayerSpec> specs;
    readonly int layerCount, window, epochs;
    /// <summary>Batches between refreshes of the model view; 1 without a view (every batch is a refresh point then).</summary>
    readonly int refreshEvery;
    readonly BatchSource source;
    readonly ViewRefresh viewRefresh;

    int generation;
    IReadOnlyList<IActorRef> layers = [];
    int epoch, next, holdAt, stopAt, outstanding;
    bool open, stopRequested;
    byte[] epochOrderState = [];
    readonly EpochLedger ledger;
    readonly ProbeStage? probeStage;
    readonly PassStream passes = new();

    public EpochFeeder(FeederSettings settings) : base(settings.Run.CoordinatorThreads)
    {
        s = settings.Run;
        var config = s.Config;
        log = settings.Log;
        exchange = settings.Exchange;
        specs = settings.Layers;
        layerCount = specs.Count;
        window = s.Runtime.CreditWindow;
        epochs = config.Train.Epochs;
        source = new BatchSource(s, settings.Layers);
        var rules = ProbeRules.For(config);
        if (rules.Count > 0) probeStage = new ProbeStage(rules, layerCount);
        ledger = new EpochLedger(layerCount);
        viewRefresh = new ViewRefresh(config.Train.ModelViewRefresh);
        refreshEvery = source.View is null ? 1 : Math.Max(1, config.Train.ModelViewRefresh);
        Become(Idle);
    }

    public static Props Props(FeederSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new EpochFeeder(settings)).WithDispatcher(dispatcher);

    Stamp StampFor(int batch) => new(s.RunId, generation, epoch, batch);

    double BuildSeconds => source.BuildTicks / (double)Stopwatch.Frequency;

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
            passes.Start(p);
            PumpPasses();
        });
        Receive<StopFeeding>(_ => RequestStop());
        Receive<IDisposable>(m => m.Dispose());
    }

    void RequestStop()
    {
        if (stopRequested) return;
        stopRequested = true;
        // A batch staged for its probe pass is built and counts as sent: it trains before the hold.
        stopAt = RefreshPointFrom(next + (probeStage is { Empty: false } ? 1 : 0));
        log.Info($"stop requested during epoch {epoch + 1} at batch {ledger.Completed}: finishing the batches in flight" +
            (stopAt > next ? $" and those up to the model view's next refresh point, batch {stopAt}" : ""));
    }

    // ---------------------------------------------------------------- restore, epochs

    void OnFeed(Feed f)
    {
        generation = f.Generation;
        layers = f.Layers;
        DisposeTransient();
        var snap = f.From;
        epoch = snap.Epoch;
        ledger.Restore(snap.Sums, snap.ElapsedSeconds);
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
        next = fromBatch;
        ledger.Start(fromBatch);
        holdAt = NextHold();
        if (stopRequested) stopAt = RefreshPointFrom(fromBatch);
        s.Observer.PhaseStarted(fromBatch == 0
                ? $"epoch {epoch + 1}/{epochs}"
                : $"epoch {epoch + 1}/{epochs} (from batch {fromBatch})",
            s.Data.Train.Count - (long)fromBatch * source.BatchSize);
        Become(Feeding);
        Advance();
    }

    void CloseEpoch()
    {
        source.CloseEpoch();
        open = false;
        epoch++;
        ledger.NextEpoch();
        Sender.Tell(new EpochClosed(StateAt(0, source.OrderState)), Self);
        Become(Idle);
    }

    FeederState StateAt(int batch, byte[] orderState)
    {
        double elapsed = batch == 0 ? 0 : ledger.Seconds;
        return new FeederState(epoch, batch, orderState, source.NegativeState, ledger.Sums.Clone(), elapsed, source.StaleTable());
    }

    /// <summary>
    /// The next checkpoint point of the epoch (every <c>runtime.checkpoint-every</c> batches, rounded up to a multiple of
    /// the model view's refresh interval), or its end.
    /// </summary>
    int NextHold()
    {
        if (s.Store is null || s.Runtime.CheckpointEvery <= 0) return source.Count;
        int every = (s.Runtime.CheckpointEvery + refreshEvery - 1) / refreshEvery * refreshEvery;
        return Math.Min(source.Count, (ledger.Completed / every + 1) * every);
    }

    /// <summary>
    /// The first refresh point of the model view at or after <paramref name="batch"/> (the epoch's end at the latest).
    /// Checkpoints are taken only there: a run restored from one refreshes its view at its first batch, which is where
    /// an uninterrupted run refreshes it too, so the negatives that follow are the same.
    /// </summary>
    int RefreshPointFrom(int batch) => Math.Min(open ? source.Count : int.MaxValue, (batch + refreshEvery - 1) / refreshEvery * refreshEvery);

    bool Drained => ledger.Completed == next && probeStage is not { Empty: false };

    /// <summary>Decides what happens next while feeding.</summary>
    void Advance()
    {
        if (!open) return;
        if (Drained)
        {
            if (ledger.Completed == source.Count)
            {
                double seconds = ledger.Seconds;
                var metrics = new EpochMetrics(epoch + 1, 0, seconds, s.Data.Train.Count / seconds, ledger.Sums.Means(l => specs[l].LearningRateAt(epoch, epochs)), null);
                Context.Parent.Tell(new EpochDrained(epoch, metrics, BuildSeconds), Self);
                Become(EpochDone);
                return;
            }
            if (ledger.Completed == holdAt || (stopRequested && ledger.Completed >= stopAt))
            {
                Context.Parent.Tell(new FeederHeld(StateAt(ledger.Completed, epochOrderState), stopRequested ? HoldReason.Stop : HoldReason.HoldPoint, BuildSeconds), Self);
                Become(Held);
                return;
            }
        }
        Pump();
    }

    // ---------------------------------------------------------------- feeding

    void Pump()
    {
        int limit = Math.Min(holdAt, source.Count);
        if (stopRequested) limit = Math.Min(limit, stopAt);
        while (outstanding < window)
        {
            if (probeStage is { Empty: false } stage)
            {
                // The staged batch trains once every signal its probe pass publishes is in.
                if (!stage.Ready) return;
                layers[0].Tell(stage.Release(), Self);
                next++;
            }
            else if (next < limit && ViewReady(next))
            {
                if (probeStage is null) layers[0].Tell(Build(next++), Self);
                else
                {
                    // Probe batch t right behind TrainBatch(t − 1), so every layer probes after its update on t − 1.
                    var (subscriptions, probe) = probeStage.Stage(Build(next), Self);
                    foreach (var sub in subscriptions) exchange.Tell(sub, Self);
                    layers[0].Tell(probe, Self);
                }
            }
            else return;
            outstanding++;
        }
    }

    TrainBatch Build(int batch)
    {
        var (built, p) = source.Build(StampFor(batch), batch);
        ledger.Add(batch, p);
        return built;
    }

    void OnSignals(SignalsDelivered d)
    {
        if (probeStage is null)
        {
            d.Dispose();
            return;
        }
        probeStage.Take(d);
        Advance();
    }

    void OnStepped(LayerStepped m)
    {
        if (m.Stamp.Generation != generation || m.Stamp.Epoch != epoch)
        {
            m.Dispose();
            return;
        }
        if (!ledger.Take(m)) return;
        foreach (var p in ledger.CompleteInOrder())
        {
            source.Record(p);
            s.Observer.BatchCompleted(p.Samples, p.Stats.Select((stats, l) => (l, stats)).ToArray());
        }
        Advance();
    }

    // ---------------------------------------------------------------- model view

    bool ViewReady(int batch) => viewRefresh.Ready(source.View, StampFor(batch), ledger.Completed == batch && probeStage is not { Empty: false }, layers, Self);

    void OnWeights(LayerWeights w)
    {
        if (viewRefresh.Load(w, source.View)) Advance();
    }

    // ---------------------------------------------------------------- evaluation passes

    void PumpPasses()
    {
        while (outstanding < window && passes.TryNext(source, out var item))
        {
            layers[0].Tell(item, Self);
            outstanding++;
        }
    }

    // ---------------------------------------------------------------- the end

    void DisposeTransient()
    {
        ledger.Dispose();
        probeStage?.Dispose();
        source.CloseOrder();
        open = false;
        passes.Stop();
        viewRefresh.Reset();
    }

    protected override void PostStop()
    {
        DisposeTransient();
        source.Dispose();
    }
}
