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
/// layer from the last checkpoint (placing again) when one fails. Its parts do the work: the
/// <see cref="EpochFeeder"/> feeds layer 0, the <see cref="SignalExchange"/> relays per-sample signals, the
/// <see cref="CheckpointWriter"/> writes checkpoints and the <see cref="Evaluator"/> scores. It is the
/// address the layers report to, and routes each report to the part it is for.
/// Layer failures are never restarted in place: the host stops the failed layer, and the supervisor
/// rebuilds every layer from the last consistent checkpoint and replays from there.
/// </summary>
internal sealed partial class RunSupervisor : ReceiveActor
{
    const int MaxRecoveriesPerCheckpoint = 3;

    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly int layerCount, epochs;
    readonly IReadOnlyList<LayerSpec> layerOptions;
    readonly bool staleMode;
    readonly RunLog log;
    readonly Stopwatch trainWatch = new();
    IActorRef feeder = ActorRefs.Nobody, exchange = ActorRefs.Nobody, evaluator = ActorRefs.Nobody;
    IActorRef? writer;

    int generation, epoch;
    IActorRef[] layers = [];
    RunSnapshot last;
    List<EpochMetrics> metrics = [];
    EpochDrained? drained;
    EvaluationResult? evaluation;
    bool stopRequested, done;
    Exception? lastFailure;
    string? recoveriesAt;
    int recoveries;
    readonly TrainingProgress progress;

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
        var collab = config.Train.CollaborationOrDefault;
        staleMode = collab.Enabled && collab.Exchange == GammaExchange.Stale;
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
        int threads = s.CoordinatorThreads;
        exchange = Part(SignalExchange.Props(threads, s.LayerDispatcher), "signals");
        feeder = Part(EpochFeeder.Props(new FeederSettings(s, layerOptions, exchange, log), s.LayerDispatcher), "feeder");
        evaluator = Part(Evaluator.Props(new EvaluatorSettings(s, layerOptions, feeder), s.LayerDispatcher), "evaluator");
        if (s.Store is not null) writer = Part(CheckpointWriter.Props(s.Store, threads, s.LayerDispatcher), "checkpoints");
        StartPlacement();
        if (s.StopAtStart)
        {
            stopRequested = true;
            log.Info("stop requested before the start");
        }
        Restore(s.Start);
    }

    IActorRef Part(Props props, string name) => Context.Watch(Context.ActorOf(props, name));

    bool IsPart(IActorRef actor) => actor.Equals(feeder) || actor.Equals(exchange) || actor.Equals(evaluator) || actor.Equals(writer);

    // ---------------------------------------------------------------- states

    void Training()
    {
        Receive<FeederHeld>(m => Checkpoint(m.State, m.Reason == HoldReason.Stop ? CheckpointReason.Stop : CheckpointReason.HoldPoint));
        Receive<EpochDrained>(m =>
        {
            drained = m;
            evaluator.Tell(new EvaluateEpoch(StampFor(m.Epoch, 0), layers), Self);
        });
        Receive<EpochEvaluated>(m => m.Stamp.Generation == generation && drained is not null, m =>
        {
            var d = drained!;
            var em = new EpochMetrics(d.Epoch + 1, 0, d.Seconds, s.Data.Train.Count / d.Seconds,
                d.Sums.Means(l => layerOptions[l].LearningRateAt(d.Epoch, epochs)), m.ValidationAccuracy) { Diagnostics = m.Diagnostics };
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
        Receive<ProbeGoodness>(g =>
        {
            if (g.Stamp.Generation != generation)
            {
                g.Dispose();
                return;
            }
            exchange.Tell(new PublishSignal(SignalKey.For(g.Stamp, SignalKinds.GoodnessPositive), g.Layer, g.GoodPositive), Self);
            exchange.Tell(new PublishSignal(SignalKey.For(g.Stamp, SignalKinds.GoodnessNegative), g.Layer, g.GoodNegative), Self);
        });
        Receive<ScoreGoodness>(m => evaluator.Forward(m));
        Receive<LayerFeatures>(m => evaluator.Forward(m));
        Receive<PartFailed>(m => Fail(m.Cause));
        Receive<LayerFailed>(f =>
        {
            if (f.RunId == s.RunId && f.Generation == generation) OnLayerLost(f.Layer, f.Reason, f.NonFinite);
        });
        Receive<LayerHostInfo>(_ => unexplained is { } u && Sender.Equals(u.Host), _ =>
        {
            // The lost layer's host is alive, so the layer alone stopped.
            var u = unexplained!.Value;
            unexplained = null;
            if (u.Generation == generation) OnLayerLost(u.Layer, u.Reason);
        });
        Receive<Terminated>(OnTerminated);
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
        RetireLayers();
        exchange.Tell(new RetireSignals(generation), Self);
        evaluator.Tell(new CancelEvaluation(generation), Self);
        feeder.Tell(new SuspendFeeding(generation), Self);
        writer?.Tell(new AbandonCheckpoint(), Self);
        epoch = snap.Epoch;
        metrics = [.. snap.Metrics];
        drained = null;
        last = snap;
        PlaceLayers(snap.CheckpointId);
    }

    /// <summary>The layers of this generation are up: carry on from the last snapshot.</summary>
    void Placed()
    {
        feeder.Tell(new Feed(generation, layers, last, stopRequested), Self);
        if (epoch >= epochs) AfterTraining();
        else Become(Training);
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
        Become(Evaluating);
    }

    // ---------------------------------------------------------------- faults

    void OnLayerLost(int layer, string reason, bool nonFinite = false)
    {
        unexplained = null;
        if (placement!.Hosts.Count == 0)
        {
            Fail(new PipelineFaultException(PipelineFault.ClusterLost, $"layer {layer} lost ({reason}) and no layer host is left", s.Log));
            return;
        }
        string key = last.CheckpointId ?? "initial";
        recoveries = recoveriesAt == key ? recoveries + 1 : 1;
        recoveriesAt = key;
        if (recoveries > MaxRecoveriesPerCheckpoint)
        {
            log.Info($"layer {layer} failed again ({reason}); giving up after {MaxRecoveriesPerCheckpoint} restores from {last.Describe()}");
            Fail(new PipelineFaultException(nonFinite ? PipelineFault.Diverged : PipelineFault.LayerFailing, $"layer {layer} keeps failing ({reason}); gave up after {MaxRecoveriesPerCheckpoint} restores from {last.Describe()}", s.Log));
            return;
        }
        log.Info($"layer {layer} failed: {reason}; it was stopped (not restarted). Restoring every layer from {last.Describe()} and replaying the batches since" +
            progress.Describe(generation));
        Restore(last);
    }

    void Fail(Exception e)
    {
        if (done) return;
        done = true;
        Become(Finished);
        RetireLayers(int.MaxValue);
        s.Done.TrySetException(e);
    }

    protected override void PostStop()
    {
        if (!done && placement is not null && s.LayerFactory is null)
            foreach (var h in placement.Hosts) h.Host.Tell(new RetireLayers(s.RunId, int.MaxValue), Self);
        if (!done) s.Done.TrySetException(new InvalidOperationException("the coordinator stopped before the run finished"));
    }
}
