using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using FFActors.Core;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime.Checkpoints;
using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>
/// The coordinator: drives one run through placing → training → evaluating → releasing, restoring every
/// layer from the last checkpoint (placing again) when one is lost. Its parts do the work: the
/// <see cref="LayerKeeper"/> places, watches and gathers the layers, the <see cref="EpochFeeder"/> feeds
/// layer 0, the <see cref="SignalExchange"/> relays per-sample signals, the <see cref="CheckpointWriter"/>
/// writes checkpoints and the <see cref="Evaluator"/> scores. It is the address the layers report to, and
/// routes each report to the part it is for.
/// Layer failures are never restarted in place: the host stops the failed layer, and the supervisor
/// rebuilds every layer from the last consistent checkpoint and replays from there.
/// A run that stops progressing (no message reaches the supervisor for <c>runtime.stall-timeout</c> seconds: a message
/// lost on the way, a node that went silent without leaving) fails, saying what it was waiting for, instead of hanging.
/// </summary>
internal sealed class RunSupervisor : ReceiveActor
{
    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly int layerCount, epochs;
    readonly IReadOnlyList<LayerSpec> layerOptions;
    readonly RunLog log;
    readonly Stopwatch trainWatch = new();
    IActorRef keeper = ActorRefs.Nobody, feeder = ActorRefs.Nobody, exchange = ActorRefs.Nobody, evaluator = ActorRefs.Nobody;
    IActorRef? writer;

    int generation, epoch;
    IActorRef[] layers = [];
    RunSnapshot last;
    List<EpochMetrics> metrics = [];
    EpochDrained? drained;
    EvaluationResult? evaluation;
    bool stopRequested, done, finishedCompleted;
    Exception? lastFailure;
    readonly RecoveryBudget recoveries = new(perCheckpoint: 3);
    readonly TrainingProgress progress;
    double buildSeconds;
    /// <summary>What the run is doing, for a stall report; and when a message last reached the supervisor.</summary>
    string phase = "starting";
    long lastHeard = Stopwatch.GetTimestamp();

    /// <summary>Sends the reminders; scheduled plainly (not with Akka's timers, whose messages arrive wrapped) so that
    /// <see cref="AroundReceive"/> tells a reminder from progress.</summary>
    ICancelable? stallChecks;

    /// <summary>The supervisor's own reminder to check that the run still progresses.</summary>
    sealed record StallCheck
    {
        public static readonly StallCheck Instance = new();
    }

    public RunSupervisor(CoordinatorSettings settings)
    {
        s = settings;
        config = settings.Config;
        var negatives = NegativeSetup.Of(config);
        layerOptions = FFNetwork.SpecsFor(config.Model, config.Train.OptimizerOrDefault, config.Train.LayerEpochs, negatives.SharedHalves,
            config.Train.CollaborationOrDefault);
        layerCount = layerOptions.Count;
        progress = new TrainingProgress(layerCount);
        if (layerCount > 62) throw new ArgumentException("model.layers: at most 62 layers");
        epochs = config.Train.Epochs;
        log = new RunLog(settings.Log, Context.GetLogger());
        last = settings.Start;
    }

    public static Props Props(CoordinatorSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new RunSupervisor(settings)).WithDispatcher(dispatcher);

    /// <summary>Never restart a child: a layer host or a part that fails is stopped, and its Terminated decides.</summary>
    /// (Akka's own failure logging is off: the run log records each fault and what was done about it.)
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, Timeout.Infinite, e =>
    {
        lastFailure = e;
        return Directive.Stop;
    }, loggingEnabled: false);

    Stamp StampFor(int e, int batch) => new(s.RunId, generation, e, batch);

    protected override void PreStart()
    {
        trainWatch.Start();
        if (s.Runtime.StallTimeout > 0)
        {
            var every = TimeSpan.FromSeconds(Math.Clamp(s.Runtime.StallTimeout / 4, 0.05, 30));
            stallChecks = Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(every, every, Self, StallCheck.Instance, Self);
        }
        int threads = s.CoordinatorThreads;
        var collab = config.Train.CollaborationOrDefault;
        bool staleGamma = collab.Enabled && collab.Exchange == GammaExchange.Stale;
        keeper = Part(LayerKeeper.Props(new KeeperSettings(s, layerOptions, staleGamma, log), s.LayerDispatcher), "keeper");
        exchange = Part(SignalExchange.Props(threads, s.LayerDispatcher), "signals");
        feeder = Part(EpochFeeder.Props(new FeederSettings(s, layerOptions, exchange, log), s.LayerDispatcher), "feeder");
        evaluator = Part(Evaluator.Props(new EvaluatorSettings(s, layerOptions, feeder), s.LayerDispatcher), "evaluator");
        if (s.Store is not null) writer = Part(CheckpointWriter.Props(s.Store, threads, s.LayerDispatcher), "checkpoints");
        if (s.StopAtStart)
        {
            stopRequested = true;
            log.Info("stop requested before the start");
        }
        Restore(s.Start);
    }

    IActorRef Part(Props props, string name) => Context.Watch(Context.ActorOf(props, name));

    /// <summary>Every message but the reminder is progress: a step, a credit, a score, a placement, a checkpoint written.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not StallCheck) lastHeard = Stopwatch.GetTimestamp();
        return base.AroundReceive(receive, message);
    }

    void Enter(Action state, string what)
    {
        phase = what;
        Become(state);
    }

    // ---------------------------------------------------------------- states

    void Training()
    {
        Receive<FeederHeld>(m =>
        {
            buildSeconds = m.BuildSeconds;
            Checkpoint(m.State, m.Reason == HoldReason.Stop ? CheckpointReason.Stop : CheckpointReason.HoldPoint);
        });
        Receive<EpochDrained>(m =>
        {
            (drained, buildSeconds) = (m, m.BuildSeconds);
            evaluator.Tell(new EvaluateEpoch(StampFor(m.Epoch, 0), layers), Self);
        });
        Receive<EpochEvaluated>(m => m.Stamp.Generation == generation && drained is not null, m =>
        {
            var em = drained!.Metrics with { ValidationAccuracy = m.ValidationAccuracy, Diagnostics = m.Diagnostics };
            metrics.Add(em);
            s.Observer.EpochCompleted(em);
            drained = null;
            feeder.Tell(new CloseEpoch(), Self);
        });
        Receive<EpochClosed>(m => Checkpoint(m.State, CheckpointReason.EpochEnd));
        Receive<CheckpointWritten>(m => m.Stamp.Generation == generation, m =>
        {
            last = m.Snapshot;
            AfterCheckpoint(m.Snapshot, m.Reason);
        });
        Running();
    }

    void Evaluating()
    {
        Receive<TestEvaluated>(m => m.Stamp.Generation == generation, m =>
        {
            evaluation = m.Result;
            Finish(completed: true);
        });
        Running();
    }

    /// <summary>Placing, training, evaluating: route the layers' reports, take stop requests, recover from failures.</summary>
    void Running()
    {
        Receive<StopTraining>(_ =>
        {
            if (stopRequested) return;
            stopRequested = true;
            feeder.Tell(new StopFeeding(), Self);
        });
        Receive<Credit>(c => feeder.Forward(c));
        Receive<LayerStepped>(m =>
        {
            progress.Record(m.Stamp, m.Layer, generation);
            feeder.Forward(m);
        });
        Receive<ProbeReport>(r => exchange.Forward(r));
        Receive<ScoreGoodness>(m => evaluator.Forward(m));
        Receive<LayerFeatures>(m => evaluator.Forward(m));
        Receive<LayerLost>(l => l.Generation == generation, OnLayerLost);
        Faults();
    }

    /// <summary>Handled until the end: a part that fails or stops ends the run; old reports are dropped.</summary>
    void Faults()
    {
        Receive<StallCheck>(_ => CheckStall());
        Receive<PartFailed>(m => Fail(m.Cause));
        Receive<Terminated>(t =>
        {
            var cause = lastFailure is ActorInitializationException { InnerException: { } inner } ? inner : lastFailure;
            Fail(cause ?? new InvalidOperationException($"the coordinator's {t.ActorRef.Path.Name} stopped"));
        });
        Receive<LayerLost>(_ => { });
        Receive<LayersPlaced>(_ => { });
        Receive<IDisposable>(m => m.Dispose());
    }

    void Finished()
    {
        Receive<IDisposable>(m => m.Dispose());
        ReceiveAny(_ => { });
    }

    // ---------------------------------------------------------------- restore

    void Restore(RunSnapshot snap)
    {
        generation++;
        exchange.Tell(new RetireSignals(generation), Self);
        evaluator.Tell(new CancelEvaluation(generation), Self);
        feeder.Tell(new SuspendFeeding(generation), Self);
        writer?.Tell(new AbandonCheckpoint(), Self);
        epoch = snap.Epoch;
        metrics = [.. snap.Metrics];
        drained = null;
        last = snap;
        layers = [];
        progress.Restart(generation, snap.Epoch, snap.Batch);
        keeper.Tell(new PlaceLayers(generation, snap.CheckpointId), Self);
        Enter(Placing, "placing the layers");
    }

    void Placing()
    {
        Receive<LayersPlaced>(p => p.Generation == generation, p =>
        {
            // The layers of this generation are up: carry on from the last snapshot.
            layers = p.Layers;
            feeder.Tell(new Feed(generation, layers, last, stopRequested), Self);
            if (epoch >= epochs) AfterTraining();
            else Enter(Training, "training");
        });
        Running();
    }

    // ---------------------------------------------------------------- checkpoints, epochs

    void Checkpoint(FeederState state, CheckpointReason reason)
    {
        epoch = state.Epoch;
        var snap = new RunSnapshot(state.Epoch, state.Batch, RunSnapshot.IdAt(state.Epoch, state.Batch), RunFingerprint.Of(config, s.Data.Train.Count),
            state.OrderState, state.NegativeState, state.Sums, state.ElapsedSeconds, [.. metrics], state.StaleTable);
        if (writer is null) AfterCheckpoint(snap, reason);
        else writer.Tell(new WriteCheckpoint(StampFor(state.Epoch, state.Batch), snap, layers, reason), Self);
    }

    void AfterCheckpoint(RunSnapshot snap, CheckpointReason reason)
    {
        switch (reason)
        {
            case CheckpointReason.HoldPoint:
                feeder.Tell(new ResumeFeeding(), Self);
                break;
            case CheckpointReason.Stop:
                log.Info(s.Store is null
                    ? $"stopped at epoch {snap.Epoch + 1} batch {snap.Batch} (checkpoints off: nothing saved)"
                    : $"stopped at epoch {snap.Epoch + 1} batch {snap.Batch}; checkpoint {last.CheckpointId} written");
                Finish(completed: false);
                break;
            case CheckpointReason.EpochEnd when epoch >= epochs:
                AfterTraining();
                break;
            case CheckpointReason.EpochEnd when stopRequested:
                log.Info($"stopped on request at the end of epoch {epoch}");
                Finish(completed: false);
                break;
            default:
                feeder.Tell(new OpenEpoch(), Self);
                break;
        }
    }

    void AfterTraining()
    {
        if (!s.Evaluate || stopRequested)
        {
            Finish(completed: true);
            return;
        }
        evaluator.Tell(new EvaluateTest(StampFor(epoch, 0)), Self);
        Enter(Evaluating, "evaluating on the test set");
    }

    // ---------------------------------------------------------------- faults

    void OnLayerLost(LayerLost lost)
    {
        var (layer, reason) = (lost.Layer, lost.Reason);
        if (lost.HostsLeft == 0)
        {
            Fail(new PipelineFaultException(PipelineFault.ClusterLost, $"layer {layer} lost ({reason}) and no layer host is left", s.Log));
            return;
        }
        if (!recoveries.TryRestore(last.CheckpointId))
        {
            string gaveUp = $"gave up after {recoveries.PerCheckpoint} restores from {last.Describe()}";
            log.Info($"layer {layer} failed again ({reason}); {gaveUp}");
            Fail(new PipelineFaultException(lost.NonFinite ? PipelineFault.Diverged : PipelineFault.LayerFailing,
                $"layer {layer} keeps failing ({reason}); {gaveUp}", s.Log));
            return;
        }
        log.Info($"layer {layer} failed: {reason}; it was stopped (not restarted). Restoring every layer from {last.Describe()} and replaying the batches since" +
            progress.Describe(generation));
        Restore(last);
    }

    void CheckStall()
    {
        double silent = Stopwatch.GetElapsedTime(lastHeard).TotalSeconds;
        if (done || silent < s.Runtime.StallTimeout) return;
        var gaps = string.Join("; ", progress.Gaps(generation));
        string waiting = gaps.Length > 0 ? $": {gaps}" : progress.Describe(generation);
        string what = $"runtime.stall-timeout: nothing reached the coordinator for {silent:0} s while {phase}{waiting}";
        log.Info(what);
        Fail(new PipelineFaultException(PipelineFault.Stalled, what, s.Log));
    }

    void Fail(Exception e)
    {
        if (done) return;
        done = true;
        stallChecks?.Cancel();
        Become(Finished);
        keeper.Tell(new RetireAllLayers(), Self);
        s.Done.TrySetException(e);
    }

    // ---------------------------------------------------------------- the end

    void Finish(bool completed)
    {
        finishedCompleted = completed;
        keeper.Tell(new GatherLayers(StampFor(epoch, 0)), Self);
        Enter(Releasing, "gathering the trained layers");
    }

    void Releasing()
    {
        Receive<LayersGathered>(Complete);
        Receive<LayerLost>(l => l.Generation == generation, l =>
            Fail(new PipelineFaultException(l.HostsLeft == 0 ? PipelineFault.ClusterLost : PipelineFault.LayerFailing,
                $"layer {l.Layer} was lost before handing over its weights ({l.Reason})", s.Log)));
        Faults();
    }

    void Complete(LayersGathered g)
    {
        done = true;
        stallChecks?.Cancel();
        Become(Finished);
        trainWatch.Stop();
        string[] lines;
        lock (s.Log) lines = s.Log.ToArray();
        var result = new PipelineResult(metrics.ToArray(), new FFNetwork(g.Layers), finishedCompleted, lines) { Evaluation = evaluation };
        s.Done.TrySetResult(new RunOutcome(result, g.Timings, buildSeconds, trainWatch.Elapsed.TotalSeconds));
    }

    protected override void PostStop()
    {
        stallChecks?.Cancel();
        if (!done) s.Done.TrySetException(new InvalidOperationException("the coordinator stopped before the run finished"));
    }
}
