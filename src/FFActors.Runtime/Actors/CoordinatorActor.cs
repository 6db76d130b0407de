using System.Diagnostics;
using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>
/// Feeds the layer pipeline and drives the run: builds each batch's positives and negatives (with
/// the same generators, in the same order, as <see cref="FFTrainer"/>), keeps at most
/// <c>CreditWindow</c> items in flight to layer 0, gathers every layer's step report and completes
/// batches in order, exchanges collaboration γ, drains the pipeline at each epoch end (and before
/// each checkpoint), scores validation data through the layers, writes checkpoints, restores the
/// layers from the last checkpoint when one fails, and finally gathers the trained layers back.
/// Layer failures are never restarted in place: the supervisor strategy stops the failed layer and
/// the coordinator rebuilds every layer from the last consistent checkpoint and replays from there.
/// </summary>
internal sealed class CoordinatorActor : UntypedActor
{
    const int MaxRecoveriesPerCheckpoint = 3;

    enum Phase { Placing, Training, Checkpointing, Validating, Evaluating, Releasing, Done }

    sealed class PendingBatch(int samples, Tensor indices, int layers) : IDisposable
    {
        public int Samples { get; } = samples;
        public Tensor Indices { get; } = indices;
        public LayerStepStats[] Stats { get; } = new LayerStepStats[layers];
        public Tensor?[] GoodPos { get; } = new Tensor?[layers];
        public Tensor?[] GoodNeg { get; } = new Tensor?[layers];
        readonly bool[] seen = new bool[layers];
        public int Count { get; private set; }

        public void Set(LayerStepped m)
        {
            if (seen[m.Layer])
            {
                m.Dispose();
                return;
            }
            seen[m.Layer] = true;
            Stats[m.Layer] = m.Stats;
            GoodPos[m.Layer] = m.GoodPositive;
            GoodNeg[m.Layer] = m.GoodNegative;
            Count++;
        }

        public void Dispose()
        {
            Indices.Dispose();
            foreach (var t in GoodPos) t?.Dispose();
            foreach (var t in GoodNeg) t?.Dispose();
        }
    }

    /// <summary>Exact γ: the batch being probed, waiting for every layer's goodness.</summary>
    sealed class Staged(int batch, Tensor pos, Tensor neg, int layers) : IDisposable
    {
        public int Batch { get; } = batch;
        public Tensor Positive { get; } = pos;
        public Tensor Negative { get; } = neg;
        public Tensor?[] GoodPos { get; } = new Tensor?[layers];
        public Tensor?[] GoodNeg { get; } = new Tensor?[layers];
        public int Count;
        public Tensor? GammaPos, GammaNeg;
        public bool Ready => GammaPos is not null;
        public bool Sent;

        public void Dispose()
        {
            if (!Sent)
            {
                Positive.Dispose();
                Negative.Dispose();
                GammaPos?.Dispose();
                GammaNeg?.Dispose();
            }
            foreach (var t in GoodPos) t?.Dispose();
            foreach (var t in GoodNeg) t?.Dispose();
        }
    }

    /// <summary>Goodness scoring of a dataset through the layers (10 label passes per batch).</summary>
    sealed class Scoring(Dataset data, int[] layers, int batchSize, int classes, Action<double> done) : IDisposable
    {
        public Dataset Data { get; } = data;
        public int[] Layers { get; } = layers;
        public int BatchSize { get; } = batchSize;
        public int Classes { get; } = classes;
        public Action<double> Done { get; } = done;
        public int Batches { get; } = (data.Count + batchSize - 1) / batchSize;
        public int NextUnit;
        public int BatchesDone;
        public long Correct;
        public readonly Dictionary<int, (Tensor?[,] Goodness, int Count)> Pending = new();
        public int Deepest => Layers.Max();
        public long Mask => Layers.Aggregate(0L, (m, l) => m | (1L << l));

        public void Dispose()
        {
            foreach (var (g, _) in Pending.Values)
                foreach (var t in g) t?.Dispose();
            Pending.Clear();
        }
    }

    /// <summary>Softmax-head features of one split, computed by the layers batch by batch and sent on in order.</summary>
    sealed class FeaturePass(Dataset data, bool test, int[] layers, int batchSize, Action done) : IDisposable
    {
        public Dataset Data { get; } = data;
        public bool Test { get; } = test;
        public int[] Layers { get; } = layers;
        public int BatchSize { get; } = batchSize;
        public Action Done { get; } = done;
        public int Batches { get; } = (data.Count + batchSize - 1) / batchSize;
        public int NextBatch;
        public int Flushed;
        public readonly Dictionary<int, Tensor?[]> Parts = new();
        public int Deepest => Layers.Max();
        public long Mask => Layers.Aggregate(0L, (m, l) => m | (1L << l));

        public void Dispose()
        {
            foreach (var parts in Parts.Values)
                foreach (var t in parts) t?.Dispose();
            Parts.Clear();
        }
    }

    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly DataSplits data;
    readonly int layerCount, window, epochs;
    readonly IReadOnlyList<LayerSpec> layerOptions;
    readonly LabelOverlay overlay;
    readonly Generator dataOrder, negGen;
    readonly BatchBuilder builder;
    readonly BatchAugmentation? augment;
    readonly CollaborationOptions collab;
    readonly bool exact, staleMode;
    readonly NegativeSetup negatives;
    readonly INegativeStrategy strategy;
    // Model view (DESIGN.md): the copy model-driven strategies read, refreshed every ModelViewRefresh batches.
    readonly ModelReplica? view;
    readonly DiagnosticsProbe? diagnostics;
    int viewEpoch = -1, viewBatch = -1;
    ModelReplica? loading;
    Stamp loadingStamp;
    int weightsPending;
    Action? afterWeights;
    /// <summary>CwC-FF / HFF: batches are plain images with their labels, scoring is one pass per batch.</summary>
    readonly bool competitive;
    readonly List<string> log;

    StaleGoodnessTable? stale;
    IActorRef[] layers = [];
    int generation;
    Phase phase = Phase.Training;

    int epoch;
    EpochBatches? order;
    byte[] epochOrderState = [];
    int next, completed, holdAt, outstanding;
    readonly Dictionary<int, PendingBatch> pending = new();
    StatsSums sums;
    double elapsedBefore;
    readonly Stopwatch watch = new();
    List<EpochMetrics> metrics = [];
    RunSnapshot last;
    Staged? staged;

    RunSnapshot? saving;
    int acks;
    Action? afterSave;

    Scoring? scoring;
    FeaturePass? features;
    IActorRef? head;
    double goodnessAccuracy;
    int[] scoreLayers = [], headLayers = [];
    readonly Stopwatch evalWatch = new();
    EvaluationResult? evaluation;

    bool stopRequested;
    Exception? lastFailure;
    string? recoveriesAt;
    int recoveries;

    LayerPlacement? placement;
    int placing;
    byte[]?[] placingCheckpoints = [];
    Action? afterPlaced;
    LayerHostRef[] layerHosts = [];
    (int Generation, int Layer, string Reason, IActorRef Host)? unexplained;

    IFFLayer?[] released = [];
    LayerTimings?[] timings = [];
    int releasedCount;
    bool finishedCompleted;
    long buildTicks;
    readonly Stopwatch trainWatch = new();

    public CoordinatorActor(CoordinatorSettings settings)
    {
        s = settings;
        config = settings.Config;
        data = settings.Data;
        negatives = NegativeSetup.Of(config);
        layerOptions = FFNetwork.SpecsFor(config.Model, config.Train.OptimizerOrDefault, config.Train.LayerEpochs, negatives.SharedHalves,
            config.Train.CollaborationOrDefault);
        competitive = config.Model.LabelDriven;
        layerCount = layerOptions.Count;
        if (layerCount > 62) throw new ArgumentException("model.layers: at most 62 layers");
        window = settings.Runtime.CreditWindow;
        epochs = config.Train.Epochs;
        overlay = new LabelOverlay(config.Model.LabelValue);
        dataOrder = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.DataOrder));
        negGen = new Generator((ulong)SeedStreams.Derive(config.Run.Seed, SeedStreams.Negatives));
        strategy = NegativeSetup.Create(config, overlay);
        builder = new BatchBuilder(overlay, strategy, negGen);
        augment = BatchAugmentation.For(config, data);
        view = strategy.NeedsModel && !competitive ? new ModelReplica(layerOptions, config.Eval.ScoreLayersFor(layerCount), settings.Device) : null;
        diagnostics = config.Eval.DiagnosticSamples > 0 && !competitive ? new DiagnosticsProbe(config, data.Train, layerOptions) : null;
        collab = config.Train.CollaborationOrDefault;
        exact = collab.Enabled && collab.Exchange == GammaExchange.Exact;
        staleMode = collab.Enabled && collab.Exchange == GammaExchange.Stale;
        log = settings.Log;
        sums = new StatsSums(layerCount);
        last = settings.Start;
    }

    public static Props Props(CoordinatorSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(settings)).WithDispatcher(dispatcher);

    /// <summary>Never restart a layer (that would silently re-initialise its weights): stop it and restore.</summary>
    /// (Akka's own failure logging is off: the run log records each fault and what was done about it.)
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, Timeout.Infinite, e =>
    {
        lastFailure = e;
        return Directive.Stop;
    }, loggingEnabled: false);

    Stamp StampFor(int e, int batch) => new(s.RunId, generation, e, batch);

    void Log(string line) => log.Add($"{DateTime.Now:HH:mm:ss} {line}");

    protected override void PreStart()
    {
        IntraOpThreads.Ensure(s.CoordinatorThreads);
        trainWatch.Start();
        var hosts = s.Hosts ?? [new LayerHostRef(Context.ActorOf(LayerHostActor.Props(new LayerHostSettings("local", s.Device, s.LayerDispatcher, s.Hooks, LayerDispatchers: s.LayerDispatchers,
            WorkSharing: s.Runtime.WorkSharing)).WithDispatcher(s.LayerDispatcher), "layers"), "local")];
        placement = new LayerPlacement(hosts, s.LayerNodes, s.ContiguousWork);
        foreach (var h in hosts) Context.Watch(h.Host);
        if (s.StopAtStart)
        {
            stopRequested = true;
            Log("stop requested before the start");
        }
        Restore(s.Start);
    }

    protected override void OnReceive(object message)
    {
        try
        {
            IntraOpThreads.Ensure(s.CoordinatorThreads);
            Handle(message);
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    void Handle(object message)
    {
        switch (message)
        {
            case Credit c:
                if (c.Stamp.Generation != generation) return;
                outstanding--;
                Advance();
                break;
            case LayerStepped m:
                if (m.Stamp.Generation != generation || phase != Phase.Training || !pending.TryGetValue(m.Stamp.Batch, out var p) || m.Stamp.Epoch != epoch)
                {
                    m.Dispose();
                    return;
                }
                p.Set(m);
                CompleteInOrder();
                Advance();
                break;
            case ProbeGoodness g:
                OnProbe(g);
                break;
            case ScoreGoodness sg:
                OnScore(sg);
                break;
            case CheckpointSaved saved:
                OnSaved(saved);
                break;
            case LayerFeatures f:
                OnFeatures(f);
                break;
            case HeadAccuracy h:
                if (h.Stamp.Generation == generation && phase == Phase.Evaluating) EvaluationDone(h.Accuracy);
                break;
            case LayerReleased r:
                OnReleased(r);
                break;
            case LayerWeights w:
                OnWeights(w);
                break;
            case LayerCreated c:
                OnCreated(c);
                break;
            case LayerHostInfo when unexplained is { } u && Sender.Equals(u.Host):
                // The lost layer's host is alive, so the layer alone stopped.
                unexplained = null;
                if (u.Generation == generation) OnLayerLost(u.Layer, u.Reason);
                break;
            case LayerFailed f:
                if (f.RunId == s.RunId && f.Generation == generation) OnLayerLost(f.Layer, f.Reason);
                break;
            case StopTraining:
                OnStop();
                break;
            case Terminated t:
                OnTerminated(t);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // ---------------------------------------------------------------- state restore

    void Restore(RunSnapshot snap)
    {
        generation++;
        RetireLayers();
        DisposeTransient();

        epoch = snap.Epoch;
        metrics = [.. snap.Metrics];
        sums = snap.Sums.Clone();
        elapsedBefore = snap.ElapsedSeconds;
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
        last = snap;
        PlaceLayers(snap.CheckpointId, () => Resume(snap));
    }

    /// <summary>Training state is restored and the layers are up: carry on from <paramref name="snap"/>.</summary>
    void Resume(RunSnapshot snap)
    {
        if (epoch >= epochs)
        {
            AfterTraining();
            return;
        }
        epochOrderState = snap.OrderState;
        order = new EpochBatches(data.Train, config.Train.BatchSize, dataOrder, augment, epoch);
        next = completed = snap.Batch;
        outstanding = 0;
        phase = Phase.Training;
        watch.Restart();
        holdAt = NextHold();
        s.Observer.PhaseStarted(snap.Batch == 0
                ? $"epoch {epoch + 1}/{epochs}"
                : $"epoch {epoch + 1}/{epochs} (from batch {snap.Batch})",
            data.Train.Count - (long)snap.Batch * order.BatchSize);
        Advance();
    }

    /// <summary>
    /// Asks the hosts for the layers, last to first (each layer is created knowing its downstream),
    /// loaded from checkpoint <paramref name="checkpointId"/> or fresh from the seed; then runs <paramref name="then"/>.
    /// The same exchange places layers on the local host and on remote ones.
    /// </summary>
    void PlaceLayers(string? checkpointId, Action then)
    {
        if (s.LayerFactory is not null)
        {
            layers = s.LayerFactory(Context, generation);
            then();
            return;
        }
        phase = Phase.Placing;
        placingCheckpoints = new byte[]?[layerCount];
        if (checkpointId is not null)
            for (int l = 0; l < layerCount; l++) placingCheckpoints[l] = s.Store!.Read(checkpointId, LayerActor.FileName(l));
        layers = new IActorRef[layerCount];
        layerHosts = new LayerHostRef[layerCount];
        placing = layerCount - 1;
        afterPlaced = then;
        RequestLayer();
    }

    void RequestLayer()
    {
        var host = layerHosts[placing] = placement!.HostFor(placing);
        host.Host.Tell(new CreateLayer(s.RunId, generation, layerOptions[placing], config.Run.Seed, epochs, window, s.LayerThreads, Self,
            placing + 1 < layerCount ? layers[placing + 1] : null, placingCheckpoints[placing], staleMode), Self);
    }

    void OnCreated(LayerCreated c)
    {
        if (c.RunId != s.RunId || c.Generation != generation || phase != Phase.Placing || c.Layer != placing) return;
        layers[placing] = c.Actor;
        Context.Watch(c.Actor);
        placingCheckpoints[placing] = null;
        if (--placing >= 0)
        {
            RequestLayer();
            return;
        }
        phase = Phase.Training;
        var then = afterPlaced!;
        afterPlaced = null;
        then();
    }

    /// <summary>Stops this generation's layers (their hosts stop them; nothing of theirs is awaited).</summary>
    void RetireLayers(int below = -1)
    {
        foreach (var l in layers)
            if (l is not null) Context.Unwatch(l);
        layers = [];
        if (s.LayerFactory is not null) return;
        foreach (var h in placement!.Hosts) h.Host.Tell(new RetireLayers(s.RunId, below < 0 ? generation : below), Self);
    }

    void DisposeTransient()
    {
        foreach (var p in pending.Values) p.Dispose();
        pending.Clear();
        staged?.Dispose();
        staged = null;
        scoring?.Dispose();
        scoring = null;
        features?.Dispose();
        features = null;
        if (head is not null)
        {
            Context.Unwatch(head);
            Context.Stop(head);
            head = null;
        }
        order?.Dispose();
        order = null;
        saving = null;
        afterSave = null;
        loading = null;
        afterWeights = null;
        weightsPending = 0;
        viewEpoch = viewBatch = -1;
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
        if (loading is not null || completed != batch || staged is not null) return false;
        ReadWeightsInto(view, StampFor(epoch, batch), () =>
        {
            (viewEpoch, viewBatch) = (epoch, batch);
            Advance();
        });
        return false;
    }

    void ReadWeightsInto(ModelReplica target, Stamp stamp, Action then)
    {
        loading = target;
        loadingStamp = stamp;
        weightsPending = target.LayerCount;
        afterWeights = then;
        for (int l = 0; l < target.LayerCount; l++) layers[l].Tell(new ReadWeights(stamp), Self);
    }

    void OnWeights(LayerWeights w)
    {
        using (w)
        {
            if (w.Stamp != loadingStamp || loading is null || phase is Phase.Releasing or Phase.Done) return;
            loading.Load(w.Layer, w.Weight, w.Bias);
        }
        if (--weightsPending > 0) return;
        var then = afterWeights!;
        loading = null;
        afterWeights = null;
        then();
    }

    string Fingerprint => RunFingerprint.Of(config, data.Train.Count);

    // ---------------------------------------------------------------- feeding

    int NextHold()
    {
        int n = order!.Count;
        int every = s.Runtime.CheckpointEvery;
        if (s.Store is not null && every > 0) return Math.Min(n, (completed / every + 1) * every);
        return n;
    }

    bool Drained => completed == next && staged is null;

    /// <summary>Decides what happens next in the training phase.</summary>
    void Advance()
    {
        if (phase is Phase.Validating or Phase.Evaluating)
        {
            PumpScoring();
            PumpFeatures();
            return;
        }
        if (phase != Phase.Training || order is null) return;
        if (Drained)
        {
            if (completed == order.Count)
            {
                EndEpoch();
                return;
            }
            if (stopRequested)
            {
                StopAtBoundary();
                return;
            }
            if (completed == holdAt)
            {
                Checkpoint(epoch, completed, epochOrderState, () =>
                {
                    phase = Phase.Training;
                    holdAt = NextHold();
                    Advance();
                });
                return;
            }
        }
        Pump();
    }

    void Pump()
    {
        int limit = stopRequested ? next : Math.Min(holdAt, order!.Count);
        if (!exact)
        {
            while (next < limit && outstanding < window && ViewReady(next))
            {
                var (pos, neg, gp, gn, labels) = Build(next);
                layers[0].Tell(new TrainBatch(StampFor(epoch, next), pos, neg, gp, gn, labels), Self);
                outstanding++;
                next++;
            }
            return;
        }
        while (true)
        {
            if (staged is null)
            {
                if (next < limit && outstanding < window && ViewReady(next))
                {
                    var (pos, neg, _, _, _) = Build(next);
                    staged = new Staged(next, pos, neg, layerCount);
                    layers[0].Tell(new ProbeBatch(StampFor(epoch, next), pos.clone().DetachFromDisposeScope(), neg.clone().DetachFromDisposeScope()), Self);
                    outstanding++;
                }
                return;
            }
            if (!staged.Ready || outstanding >= window) return;
            staged.Sent = true;
            layers[0].Tell(new TrainBatch(StampFor(epoch, staged.Batch), staged.Positive, staged.Negative, staged.GammaPos, staged.GammaNeg), Self);
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

    void OnProbe(ProbeGoodness g)
    {
        if (g.Stamp.Generation != generation || staged is null || g.Stamp.Batch != staged.Batch || g.Stamp.Epoch != epoch
            || staged.GoodPos[g.Layer] is not null)
        {
            g.Dispose();
            return;
        }
        staged.GoodPos[g.Layer] = g.GoodPositive;
        staged.GoodNeg[g.Layer] = g.GoodNegative;
        if (++staged.Count == layerCount)
        {
            using var scope = NewDisposeScope();
            staged.GammaPos = Collaboration.ScaledGammas(staged.GoodPos!, collab).DetachFromDisposeScope();
            staged.GammaNeg = Collaboration.ScaledGammas(staged.GoodNeg!, collab).DetachFromDisposeScope();
        }
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

    // ---------------------------------------------------------------- epochs

    void EndEpoch()
    {
        double seconds = elapsedBefore + watch.Elapsed.TotalSeconds;
        // A label-free network cannot be scored by label goodness; the probe judges it at the end.
        if (data.Validation is not null && config.Eval.ValidateEachEpoch && !negatives.LabelFree)
        {
            var scoreLayers = config.Eval.ScoreLayersFor(layerCount).Where(l => l < layerCount).ToArray();
            if (scoreLayers.Length == 0) scoreLayers = [layerCount - 1];
            phase = Phase.Validating;
            StartScoring(data.Validation, scoreLayers, acc => FinishEpoch(seconds, acc));
            return;
        }
        FinishEpoch(seconds, null);
    }

    void FinishEpoch(double seconds, double? validation)
    {
        if (diagnostics is null)
        {
            FinishEpoch(seconds, validation, null);
            return;
        }
        // The pipeline is drained: copy the layers' weights and measure them on the coordinator.
        phase = Phase.Validating;
        ReadWeightsInto(diagnostics.Replica, StampFor(epoch, -1), () => FinishEpoch(seconds, validation, diagnostics.Measure(epoch)));
    }

    void FinishEpoch(double seconds, double? validation, IReadOnlyList<LayerDiagnostics>? measured)
    {
        var m = new EpochMetrics(epoch + 1, 0, seconds, data.Train.Count / seconds,
            sums.Means(l => layerOptions[l].LearningRateAt(epoch, epochs)), validation)
        { Diagnostics = measured };
        metrics.Add(m);
        s.Observer.EpochCompleted(m);
        stale?.EndEpoch();
        epoch++;
        order?.Dispose();
        order = null;
        sums = new StatsSums(layerCount);
        elapsedBefore = 0;
        if (s.Store is not null) Checkpoint(epoch, 0, GeneratorState.Of(dataOrder), AfterEpochBoundary);
        else AfterEpochBoundary();
    }

    void AfterEpochBoundary()
    {
        if (epoch >= epochs)
        {
            AfterTraining();
            return;
        }
        if (stopRequested)
        {
            Log($"stopped on request at the end of epoch {epoch}");
            Finish(completed: false);
            return;
        }
        epochOrderState = GeneratorState.Of(dataOrder);
        order = new EpochBatches(data.Train, config.Train.BatchSize, dataOrder, augment, epoch);
        next = completed = 0;
        phase = Phase.Training;
        watch.Restart();
        holdAt = NextHold();
        s.Observer.PhaseStarted($"epoch {epoch + 1}/{epochs}", data.Train.Count);
        Advance();
    }

    // ---------------------------------------------------------------- checkpoints

    void Checkpoint(int atEpoch, int atBatch, byte[] orderState, Action then)
    {
        if (s.Store is null)
        {
            then();
            return;
        }
        phase = Phase.Checkpointing;
        string id = RunSnapshot.IdAt(atEpoch, atBatch);
        byte[]? staleBytes = null;
        if (stale is not null)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms)) stale.Save(w);
            staleBytes = ms.ToArray();
        }
        double elapsed = atBatch == 0 ? 0 : elapsedBefore + watch.Elapsed.TotalSeconds;
        saving = new RunSnapshot(atEpoch, atBatch, id, Fingerprint, orderState, GeneratorState.Of(negGen), sums.Clone(), elapsed, [.. metrics], staleBytes);
        acks = 0;
        afterSave = then;
        foreach (var l in layers) l.Tell(new SaveCheckpoint(StampFor(atEpoch, atBatch), id), Self);
    }

    void OnSaved(CheckpointSaved m)
    {
        if (m.Stamp.Generation != generation || saving is null || m.CheckpointId != saving.CheckpointId) return;
        s.Store!.Write(m.CheckpointId, LayerActor.FileName(m.Layer), m.Data);
        if (++acks < layerCount) return;
        var snap = saving;
        s.Store!.Write(snap.CheckpointId!, RunSnapshot.FileName, snap.ToBytes());
        s.Store.Commit(snap.CheckpointId!);
        last = snap;
        saving = null;
        var then = afterSave!;
        afterSave = null;
        then();
    }

    // ---------------------------------------------------------------- stop, faults

    void OnStop()
    {
        if (stopRequested || phase is Phase.Releasing or Phase.Done) return;
        stopRequested = true;
        Log($"stop requested during epoch {epoch + 1} at batch {completed}: finishing the batches in flight");
        Advance();
    }

    void StopAtBoundary()
    {
        Checkpoint(epoch, completed, epochOrderState, () =>
        {
            Log(s.Store is null
                ? $"stopped at epoch {epoch + 1} batch {completed} (checkpoints off: nothing saved)"
                : $"stopped at epoch {epoch + 1} batch {completed}; checkpoint {last.CheckpointId} written");
            Finish(completed: false);
        });
    }

    void OnTerminated(Terminated t)
    {
        var actor = t.ActorRef;
        if (actor.Equals(head) && phase == Phase.Evaluating)
        {
            Fail(new InvalidOperationException($"the softmax head actor failed: {lastFailure?.Message ?? "stopped"}"));
            return;
        }
        // A node that left or crashed: its hosts are gone for good, whichever of its actors reported first.
        var lostHosts = t.AddressTerminated ? placement!.RemoveAt(actor.Path.Address) : placement!.Remove(actor);
        if (lostHosts.Count > 0) Log($"layer host {string.Join(", ", lostHosts)} is gone; {placement.Hosts.Count} left");
        int layer = Array.IndexOf(layers, actor);
        if (layer >= 0 && !t.AddressTerminated && s.LayerFactory is null && layer < layerHosts.Length)
        {
            // Stopped without a failure report: its host may be shutting down too. Ask the host before
            // restoring, so the layers are not re-created on a host that is going away.
            unexplained = (generation, layer, "stopped unexpectedly", layerHosts[layer].Host);
            layerHosts[layer].Host.Tell(new DescribeHost(s.RunId), Self);
            return;
        }
        if (layer >= 0)
        {
            OnLayerLost(layer, t.AddressTerminated ? $"its node {actor.Path.Address} left the cluster" : "stopped unexpectedly");
            return;
        }
        if (lostHosts.Count > 0 && unexplained is { } u && u.Generation == generation)
        {
            unexplained = null;
            OnLayerLost(u.Layer, $"its host {string.Join(", ", lostHosts)} is gone");
            return;
        }
        // A host lost while its layers are being created: nothing else would answer.
        if (lostHosts.Count > 0 && phase == Phase.Placing) OnLayerLost(placing, "its host is gone");
    }

    void OnLayerLost(int layer, string reason)
    {
        if (phase is Phase.Releasing or Phase.Done) return;
        unexplained = null;
        if (placement!.Hosts.Count == 0)
        {
            Fail(new PipelineFaultException($"layer {layer} lost ({reason}) and no layer host is left", log));
            return;
        }
        string key = last.CheckpointId ?? "initial";
        recoveries = recoveriesAt == key ? recoveries + 1 : 1;
        recoveriesAt = key;
        if (recoveries > MaxRecoveriesPerCheckpoint)
        {
            Log($"layer {layer} failed again ({reason}); giving up after {MaxRecoveriesPerCheckpoint} restores from {last.Describe()}");
            Fail(new PipelineFaultException($"layer {layer} keeps failing ({reason}); gave up after {MaxRecoveriesPerCheckpoint} restores from {last.Describe()}", log));
            return;
        }
        Log($"layer {layer} failed: {reason}; it was stopped (not restarted). Restoring every layer from {last.Describe()} and replaying the batches since" +
            (phase == Phase.Training || phase == Phase.Checkpointing ? $" (epoch {epoch + 1}: {completed} batches completed, {next} sent)" : ""));
        Restore(last);
    }

    void Fail(Exception e)
    {
        if (phase == Phase.Done) return;
        phase = Phase.Done;
        RetireLayers(int.MaxValue);
        s.Done.TrySetException(e);
    }

    // ---------------------------------------------------------------- evaluation through the layers

    void StartScoring(Dataset dataset, int[] scoreLayers, Action<double> done)
    {
        // A CwC network scores every class in one pass (the "classes" of the unit count become 1 pass).
        scoring = new Scoring(dataset, scoreLayers, Math.Max(1, config.Eval.BatchSize), competitive ? 1 : overlay.Classes, done);
        PumpScoring();
    }

    void PumpScoring()
    {
        var sc = scoring;
        if (sc is null) return;
        int units = sc.Batches * sc.Classes;
        while (sc.NextUnit < units && outstanding < window)
        {
            int b = sc.NextUnit / sc.Classes, c = sc.NextUnit % sc.Classes;
            using var scope = NewDisposeScope();
            int start = b * sc.BatchSize, len = Math.Min(sc.BatchSize, sc.Data.Count - start);
            var input = competitive ? sc.Data.Images.narrow(0, start, len).clone() : overlay.Apply(sc.Data.Images.narrow(0, start, len), c);
            if (!sc.Pending.ContainsKey(b)) sc.Pending[b] = (new Tensor?[sc.Classes, sc.Layers.Length], 0);
            layers[0].Tell(new ScoreBatch(StampFor(epoch, b), competitive ? -1 : c, input.DetachFromDisposeScope(), sc.Deepest, sc.Mask), Self);
            outstanding++;
            sc.NextUnit++;
        }
    }

    void OnScore(ScoreGoodness g)
    {
        var sc = scoring;
        int slot = sc is null ? -1 : Array.IndexOf(sc.Layers, g.Layer);
        int pass = competitive ? 0 : g.Label;
        if (g.Stamp.Generation != generation || sc is null || slot < 0 || !sc.Pending.TryGetValue(g.Stamp.Batch, out var entry)
            || entry.Goodness[pass, slot] is not null)
        {
            g.Dispose();
            return;
        }
        entry.Goodness[pass, slot] = g.Goodness;
        entry.Count++;
        sc.Pending[g.Stamp.Batch] = entry;
        if (entry.Count < sc.Classes * sc.Layers.Length) return;

        // Same arithmetic as GoodnessScorer: per label, zeros + goodness of each score layer in order.
        int b = g.Stamp.Batch;
        using (var scope = NewDisposeScope())
        {
            int start = b * sc.BatchSize, len = Math.Min(sc.BatchSize, sc.Data.Count - start);
            var y = sc.Data.Labels.narrow(0, start, len);
            if (competitive)
            {
                // Same arithmetic as GoodnessScorer for CwC: zeros + class-goodness matrix of each score layer in order.
                var sum = zeros([len, overlay.Classes], device: sc.Data.Images.device);
                for (int k = 0; k < sc.Layers.Length; k++) sum = sum + entry.Goodness[0, k]!;
                sc.Correct += sum.argmax(1).eq(y).sum().item<long>();
            }
            else
            {
                var columns = new Tensor[sc.Classes];
                for (int c = 0; c < sc.Classes; c++)
                {
                    var total = zeros([len], device: sc.Data.Images.device);
                    for (int k = 0; k < sc.Layers.Length; k++) total = total + entry.Goodness[c, k]!;
                    columns[c] = total;
                }
                sc.Correct += stack(columns, 1).argmax(1).eq(y).sum().item<long>();
            }
        }
        foreach (var t in entry.Goodness) t?.Dispose();
        sc.Pending.Remove(b);
        if (++sc.BatchesDone < sc.Batches) return;
        double accuracy = (double)sc.Correct / sc.Data.Count;
        scoring = null;
        sc.Dispose();
        sc.Done(accuracy);
    }

    // ---------------------------------------------------------------- test evaluation through the actors

    void AfterTraining()
    {
        if (!s.Evaluate || stopRequested)
        {
            Finish(completed: true);
            return;
        }
        phase = Phase.Evaluating;
        evalWatch.Restart();
        scoreLayers = config.Eval.ScoreLayersFor(layerCount);
        headLayers = config.Eval.HeadLayersFor(layerCount);
        Action<double> afterScoring = acc =>
        {
            goodnessAccuracy = acc;
            if (config.Eval.HeadEpochs <= 0)
            {
                EvaluationDone(double.NaN);
                return;
            }
            head = Context.ActorOf(HeadActor.Props(new HeadActorSettings(data.Train, data.Test, config.Eval, overlay.Classes, config.Run.Seed,
                s.CoordinatorThreads), s.LayerDispatcher), $"head-g{generation}");
            Context.Watch(head);
            StartFeatures(data.Train, test: false, () =>
                StartFeatures(data.Test, test: true, () => head.Tell(new FitHead(StampFor(epoch, 0)), Self)));
        };
        // Label-free training: only the linear probe (the head on frozen features) is meaningful.
        if (negatives.ProbeOnly) afterScoring(double.NaN);
        else StartScoring(data.Test, scoreLayers, afterScoring);
    }

    void StartFeatures(Dataset dataset, bool test, Action done)
    {
        features = new FeaturePass(dataset, test, headLayers, Math.Max(1, config.Eval.BatchSize), done);
        PumpFeatures();
    }

    void PumpFeatures()
    {
        var f = features;
        if (f is null) return;
        while (f.NextBatch < f.Batches && outstanding < window)
        {
            int b = f.NextBatch++;
            using var scope = NewDisposeScope();
            int start = b * f.BatchSize, len = Math.Min(f.BatchSize, f.Data.Count - start);
            var input = competitive ? f.Data.Images.narrow(0, start, len).clone() : overlay.Neutral(f.Data.Images.narrow(0, start, len));
            f.Parts[b] = new Tensor?[f.Layers.Length];
            layers[0].Tell(new FeatureBatch(StampFor(epoch, b), input.DetachFromDisposeScope(), f.Deepest, f.Mask), Self);
            outstanding++;
        }
    }

    void OnFeatures(LayerFeatures m)
    {
        var f = features;
        int slot = f is null ? -1 : Array.IndexOf(f.Layers, m.Layer);
        if (m.Stamp.Generation != generation || f is null || slot < 0 || !f.Parts.TryGetValue(m.Stamp.Batch, out var parts) || parts[slot] is not null)
        {
            m.Dispose();
            return;
        }
        parts[slot] = m.Features;
        // Hand the batches to the head in order, each as the concatenation of its layers' parts.
        while (f.Parts.TryGetValue(f.Flushed, out var p) && p.All(t => t is not null))
        {
            using (var scope = NewDisposeScope())
            {
                var joined = cat(p!, 1).DetachFromDisposeScope();
                head!.Tell(new HeadFeatures(StampFor(epoch, f.Flushed), f.Test, joined), Self);
            }
            foreach (var t in p) t!.Dispose();
            f.Parts.Remove(f.Flushed);
            f.Flushed++;
        }
        if (f.Flushed < f.Batches) return;
        features = null;
        f.Dispose();
        f.Done();
    }

    void EvaluationDone(double headAccuracy)
    {
        evaluation = new EvaluationResult(goodnessAccuracy, scoreLayers, headAccuracy, headLayers, evalWatch.Elapsed.TotalSeconds)
        { ProbeOnly = negatives.ProbeOnly };
        if (head is not null)
        {
            Context.Unwatch(head);
            Context.Stop(head);
            head = null;
        }
        Finish(completed: true);
    }

    // ---------------------------------------------------------------- the end

    void Finish(bool completed)
    {
        phase = Phase.Releasing;
        finishedCompleted = completed;
        released = new IFFLayer?[layerCount];
        timings = new LayerTimings?[layerCount];
        releasedCount = 0;
        foreach (var l in layers)
        {
            Context.Unwatch(l);
            l.Tell(new ReleaseLayer(StampFor(epoch, this.completed)), Self);
        }
    }

    void OnReleased(LayerReleased r)
    {
        if (r.Stamp.Generation != generation || phase != Phase.Releasing || released[r.Layer] is not null) return;
        var trainer = layerOptions[r.Layer].Create(config.Run.Seed, s.Device);
        LayerCheckpoint.FromBytes(trainer, r.Checkpoint);
        released[r.Layer] = trainer;
        timings[r.Layer] = r.Timings;
        if (++releasedCount < layerCount) return;
        phase = Phase.Done;
        trainWatch.Stop();
        var net = new FFNetwork(released.Select(t => t!).ToArray());
        var result = new PipelineResult(metrics.ToArray(), net, finishedCompleted, log.ToArray()) { Evaluation = evaluation };
        s.Done.TrySetResult(new RunOutcome(result, timings.Select(t => t!).ToArray(),
            buildTicks / (double)Stopwatch.Frequency, trainWatch.Elapsed.TotalSeconds));
    }

    protected override void PostStop()
    {
        if (phase != Phase.Done && placement is not null && s.LayerFactory is null)
            foreach (var h in placement.Hosts) h.Host.Tell(new RetireLayers(s.RunId, int.MaxValue), Self);
        DisposeTransient();
        stale?.Dispose();
        dataOrder.Dispose();
        negGen.Dispose();
        (strategy as IDisposable)?.Dispose();
        view?.Dispose();
        diagnostics?.Dispose();
        if (phase != Phase.Done) s.Done.TrySetException(new InvalidOperationException("the coordinator stopped before the run finished"));
    }
}
