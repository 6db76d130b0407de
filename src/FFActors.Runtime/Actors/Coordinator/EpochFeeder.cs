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
internal sealed record FeederSettings(CoordinatorSettings Run, IReadOnlyList<LayerOptions> LayerOptions, IActorRef Exchange, RunLog Log);

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
    readonly LabelOverlay overlay;
    readonly Generator dataOrder, negGen;
    readonly BatchBuilder builder;
    readonly BatchAugmentation? augment;
    readonly INegativeStrategy strategy;
    readonly CollaborationOptions collab;
    readonly bool exact, staleMode, competitive;
    readonly int[] allLayers;
    // Model view (DESIGN.md): the copy model-driven strategies read, refreshed every ModelViewRefresh batches.
    readonly ModelReplica? view;
    int viewEpoch = -1, viewBatch = -1, weightsPending;
    Stamp? weightsStamp;
    StaleGoodnessTable? stale;

    int generation;
    IReadOnlyList<IActorRef> layers = [];
    int epoch, next, completed, holdAt, outstanding;
    EpochBatches? order;
    byte[] epochOrderState = [];
    readonly Dictionary<int, PendingBatch> pending = new();
    StatsSums sums;
    double elapsedBefore;
    readonly Stopwatch watch = new();
    StagedBatch? staged;
    bool stopRequested;
    StreamPasses? passes;
    int nextUnit;
    long buildTicks;

    public EpochFeeder(FeederSettings settings) : base(settings.Run.CoordinatorThreads)
    {
        s = settings.Run;
        config = s.Config;
        data = s.Data;
        log = settings.Log;
        exchange = settings.Exchange;
        layerCount = settings.LayerOptions.Count;
        allLayers = Enumerable.Range(0, layerCount).ToArray();
        window = s.Runtime.CreditWindow;
        epochs = config.Train.Epochs;
        competitive = config.Model.LabelDriven;
        overlay = new LabelOverlay(config.Model.LabelValue);
        dataOrder = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        negGen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        strategy = NegativeSetup.Create(config, overlay);
        builder = new BatchBuilder(overlay, strategy, negGen);
        augment = BatchAugmentation.For(config, data);
        view = strategy.NeedsModel && !competitive ? new ModelReplica(settings.LayerOptions, config.Eval.ScoreLayersFor(layerCount), s.Device) : null;
        collab = config.Train.CollaborationOrDefault;
        exact = collab.Enabled && collab.Exchange == GammaExchange.Exact;
        staleMode = collab.Enabled && collab.Exchange == GammaExchange.Stale;
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
        Receive<ReportBuildTime>(_ => Sender.Tell(new BuildTime(buildTicks / (double)Stopwatch.Frequency), Self));
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
        GeneratorState.Restore(dataOrder, snap.OrderState);
        GeneratorState.Restore(negGen, snap.NegativeState);
        if (staleMode)
        {
            stale?.Dispose();
            stale = new StaleGoodnessTable(data.Train.Count, layerCount, data.Train.Images.device);
            if (snap.StaleTable is not null)
            {
                using var r = new BinaryReader(new MemoryStream(snap.StaleTable, writable: false));
                stale.Load(r);
            }
        }
        outstanding = 0;
        Become(Idle);
        if (epoch < epochs) StartEpoch(snap.OrderState, snap.Batch);
    }

    void OpenEpoch() => StartEpoch(GeneratorState.Of(dataOrder), 0);

    void StartEpoch(byte[] orderState, int fromBatch)
    {
        epochOrderState = orderState;
        order = new EpochBatches(data.Train, config.Train.BatchSize, dataOrder, augment, epoch);
        next = completed = fromBatch;
        watch.Restart();
        holdAt = NextHold();
        s.Observer.PhaseStarted(fromBatch == 0
                ? $"epoch {epoch + 1}/{epochs}"
                : $"epoch {epoch + 1}/{epochs} (from batch {fromBatch})",
            data.Train.Count - (long)fromBatch * order.BatchSize);
        Become(Feeding);
        Advance();
    }

    void CloseEpoch()
    {
        stale?.EndEpoch();
        epoch++;
        order?.Dispose();
        order = null;
        sums = new StatsSums(layerCount);
        elapsedBefore = 0;
        Sender.Tell(new EpochClosed(StateAt(0, GeneratorState.Of(dataOrder))), Self);
        Become(Idle);
    }

    FeederState StateAt(int batch, byte[] orderState)
    {
        byte[]? staleBytes = null;
        if (stale is not null)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms)) stale.Save(w);
            staleBytes = ms.ToArray();
        }
        double elapsed = batch == 0 ? 0 : elapsedBefore + watch.Elapsed.TotalSeconds;
        return new FeederState(epoch, batch, orderState, GeneratorState.Of(negGen), sums.Clone(), elapsed, staleBytes);
    }

    int NextHold()
    {
        int n = order!.Count;
        int every = s.Runtime.CheckpointEvery;
        if (s.Store is not null && every > 0) return Math.Min(n, (completed / every + 1) * every);
        return n;
    }

    bool Drained => completed == next && staged is null;

    /// <summary>Decides what happens next while feeding.</summary>
    void Advance()
    {
        if (order is null) return;
        if (Drained)
        {
            if (completed == order.Count)
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
        int limit = stopRequested ? next : Math.Min(holdAt, order!.Count);
        if (!exact)
        {
            while (next < limit && outstanding < window && ViewReady(next))
            {
                var (pos, neg, gp, gn, labels) = Build(next);
                layers[0].Tell(new TrainBatch(StampFor(next), pos, neg, gp, gn, labels), Self);
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
                    var (pos, neg, _, _, _) = Build(next);
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

    (Tensor Pos, Tensor Neg, Tensor? GammaPos, Tensor? GammaNeg, Tensor? Labels) Build(int batch)
    {
        long t0 = Stopwatch.GetTimestamp();
        using var scope = NewDisposeScope();
        var (x, y, idx) = order!.Get(batch);
        var (pos, neg) = competitive ? BatchBuilder.Plain(x) : builder.Build(x, y, view);
        Tensor? gp = null, gn = null;
        if (stale is not null) (gp, gn) = stale.Gammas(idx, collab);
        pending[batch] = new PendingBatch((int)x.shape[0], idx.DetachFromDisposeScope(), layerCount);
        s.Hooks?.OnBatchBuilt?.Invoke(new BatchTrace(generation, epoch, batch, idx.data<long>().ToArray()));
        var result = (pos.DetachFromDisposeScope(), neg.DetachFromDisposeScope(), gp?.DetachFromDisposeScope(), gn?.DetachFromDisposeScope(),
            competitive ? y.DetachFromDisposeScope() : null);
        buildTicks += Stopwatch.GetTimestamp() - t0;
        return result;
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
        if (m.Stamp.Generation != generation || m.Stamp.Epoch != epoch || !pending.TryGetValue(m.Stamp.Batch, out var p))
        {
            m.Dispose();
            return;
        }
        p.Set(m);
        CompleteInOrder();
        Advance();
    }

    void CompleteInOrder()
    {
        while (pending.TryGetValue(completed, out var p) && p.Count == layerCount)
        {
            var stats = new (int, LayerStepStats)[layerCount];
            for (int l = 0; l < layerCount; l++)
            {
                sums.Add(l, p.Stats[l]);
                stats[l] = (l, p.Stats[l]);
            }
            if (stale is not null)
                for (int l = 0; l < layerCount; l++)
                    stale.Record(p.Indices, l, p.GoodPos[l]!, p.GoodNeg[l]!);
            pending.Remove(completed);
            p.Dispose();
            completed++;
            s.Observer.BatchCompleted(p.Samples, stats);
        }
    }

    // ---------------------------------------------------------------- model view

    /// <summary>
    /// True when batch <paramref name="batch"/> may be built: the strategy needs no model, or the view
    /// holds the weights it must see. Otherwise, once every earlier batch has completed (so every layer
    /// has made exactly the updates before this batch), asks the layers for their weights and returns false.
    /// </summary>
    bool ViewReady(int batch)
    {
        if (view is null) return true;
        bool fresh = viewEpoch == epoch && viewBatch == batch;
        if (fresh || (viewEpoch >= 0 && batch % config.Train.ModelViewRefresh != 0)) return true;
        if (weightsStamp is not null || completed != batch || staged is not null) return false;
        weightsStamp = StampFor(batch);
        weightsPending = view.LayerCount;
        for (int l = 0; l < view.LayerCount; l++) layers[l].Tell(new ReadWeights(weightsStamp.Value), Self);
        return false;
    }

    void OnWeights(LayerWeights w)
    {
        using (w)
        {
            if (w.Stamp != weightsStamp) return;
            view!.Load(w.Layer, w.Weight, w.Bias);
        }
        if (--weightsPending > 0) return;
        (viewEpoch, viewBatch) = (epoch, weightsStamp.Value.Batch);
        weightsStamp = null;
        Advance();
    }

    // ---------------------------------------------------------------- evaluation passes

    void PumpPasses()
    {
        var p = passes;
        if (p is null) return;
        int perBatch = p.Kind == PassKind.Score ? p.Classes : 1;
        int units = p.Batches * perBatch;
        while (nextUnit < units && outstanding < window)
        {
            int b = nextUnit / perBatch, c = nextUnit % perBatch;
            using var scope = NewDisposeScope();
            int start = b * p.BatchSize, len = Math.Min(p.BatchSize, p.Data.Count - start);
            var images = p.Data.Images.narrow(0, start, len);
            var stamp = p.Stamp with { Batch = b };
            if (p.Kind == PassKind.Score)
            {
                var input = competitive ? images.clone() : overlay.Apply(images, c);
                layers[0].Tell(new ScoreBatch(stamp, competitive ? -1 : c, input.DetachFromDisposeScope(), p.Deepest, p.ReportMask), Self);
            }
            else
            {
                var input = competitive ? images.clone() : overlay.Neutral(images);
                layers[0].Tell(new FeatureBatch(stamp, input.DetachFromDisposeScope(), p.Deepest, p.ReportMask), Self);
            }
            outstanding++;
            nextUnit++;
        }
        if (nextUnit == units) passes = null;
    }

    // ---------------------------------------------------------------- the end

    void DisposeTransient()
    {
        foreach (var p in pending.Values) p.Dispose();
        pending.Clear();
        staged?.Dispose();
        staged = null;
        order?.Dispose();
        order = null;
        passes = null;
        weightsStamp = null;
        weightsPending = 0;
        viewEpoch = viewBatch = -1;
    }

    protected override void PostStop()
    {
        DisposeTransient();
        stale?.Dispose();
        dataOrder.Dispose();
        negGen.Dispose();
        (strategy as IDisposable)?.Dispose();
        view?.Dispose();
    }
}
