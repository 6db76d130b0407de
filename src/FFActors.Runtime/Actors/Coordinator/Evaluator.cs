using System.Diagnostics;
using Akka.Actor;
using FFActors.Core;
using FFActors.Core.Diagnostics;
using FFActors.Core.Evaluation;
using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Runtime.Protocol;

namespace FFActors.Runtime.Actors.Coordinator;

/// <summary>Everything the evaluator is built from.</summary>
internal sealed record EvaluatorSettings(CoordinatorSettings Run, IReadOnlyList<LayerSpec> Layers, IActorRef Feeder);

/// <summary>
/// Evaluates through the layers: goodness scoring of the validation split after every epoch and of the
/// test split after training (its passes streamed by the epoch feeder, the arithmetic of
/// <see cref="GoodnessScorer"/>), the per-epoch diagnostics on a copy of the weights, and the softmax
/// head on the layers' features in a <see cref="HeadActor"/> of its own.
/// States: idle → scoring → (diagnosing | extracting features → fitting the head) → idle.
/// </summary>
internal sealed class Evaluator : CoordinatorPart
{
    readonly CoordinatorSettings s;
    readonly FFConfig config;
    readonly int layerCount, classes, batchSize;
    readonly bool competitive;
    /// <summary>Every layer takes part in a scoring pass of a network whose layers hear the layer above.</summary>
    readonly bool iterates;
    readonly NegativeSetup negatives;
    readonly DiagnosticsProbe? diagnostics;
    readonly IActorRef feeder;
    readonly Stopwatch watch = new();

    Stamp stamp;
    IActorRef requester = ActorRefs.Nobody;
    ScoreTally? tally;
    FeatureJoin? join;
    IActorRef? head;
    Exception? headFailure;
    int weightsPending;
    double? validation;
    double goodnessAccuracy;

    public Evaluator(EvaluatorSettings settings) : base(settings.Run.CoordinatorThreads)
    {
        s = settings.Run;
        config = s.Config;
        feeder = settings.Feeder;
        layerCount = settings.Layers.Count;
        negatives = NegativeSetup.Of(config);
        competitive = config.Model.LabelDriven;
        iterates = settings.Layers[0].TopDown is not null;
        classes = LabelOverlay.For(config.Model).Classes;
        batchSize = Math.Max(1, config.Eval.BatchSize);
        diagnostics = config.Eval.DiagnosticSamples > 0 && !competitive ? new DiagnosticsProbe(config, s.Data.Train, settings.Layers) : null;
        Become(Idle);
    }

    public static Props Props(EvaluatorSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new Evaluator(settings)).WithDispatcher(dispatcher);

    /// <summary>The head is stopped on failure, never restarted; its Terminated ends the evaluation.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(-1, Timeout.Infinite, e =>
    {
        headFailure = e;
        return Directive.Stop;
    }, loggingEnabled: false);

    // ---------------------------------------------------------------- states

    void Idle()
    {
        Receive<EvaluateEpoch>(e =>
        {
            Start(e.Stamp);
            // A label-free network cannot be scored by label goodness; the probe judges it at the end.
            if (s.Data.Validation is not null && config.Eval.ValidateEachEpoch && !negatives.LabelFree)
            {
                var layers = config.Eval.ScoreLayersFor(layerCount).Where(l => l < layerCount).ToArray();
                StartScoring(s.Data.Validation, layers.Length == 0 ? [layerCount - 1] : layers, acc => Diagnose(acc, e.Layers));
            }
            else Diagnose(null, e.Layers);
        });
        Receive<EvaluateTest>(e =>
        {
            Start(e.Stamp);
            watch.Restart();
            // Label-free training: only the linear probe (the head on frozen features) is meaningful.
            if (negatives.ProbeOnly) AfterTestScoring(double.NaN);
            else StartScoring(s.Data.Test, config.Eval.ScoreLayersFor(layerCount), AfterTestScoring);
        });
        Always();
    }

    void Scoring(Action<double> then)
    {
        Receive<ScoreGoodness>(g =>
        {
            if (g.Stamp.Generation != stamp.Generation)
            {
                g.Dispose();
                return;
            }
            if (!tally!.Take(g)) return;
            double accuracy = tally.Accuracy;
            tally.Dispose();
            tally = null;
            then(accuracy);
        });
        Always();
    }

    void Diagnosing()
    {
        Receive<LayerWeights>(w =>
        {
            using (w)
            {
                if (w.Stamp != stamp with { Batch = -1 }) return;
                diagnostics!.Replica.Load(w.Layer, w.State);
            }
            if (--weightsPending > 0) return;
            Reply(new EpochEvaluated(stamp, validation, diagnostics.Measure(stamp.Epoch)));
        });
        Always();
    }

    void Extracting()
    {
        Receive<LayerFeatures>(m =>
        {
            if (m.Stamp.Generation != stamp.Generation)
            {
                m.Dispose();
                return;
            }
            var j = join!;
            if (!j.Take(m, (b, features) => head!.Tell(new HeadFeatures(stamp with { Batch = b }, j.Test, features), Self))) return;
            j.Dispose();
            join = null;
            if (!j.Test) StartFeatures(test: true);
            else
            {
                head!.Tell(new FitHead(stamp with { Batch = 0 }), Self);
                Become(Fitting);
            }
        });
        Always();
    }

    void Fitting()
    {
        Receive<HeadAccuracy>(h => h.Stamp.Generation == stamp.Generation, h => TestDone(h.Accuracy));
        Always();
    }

    void Always()
    {
        Receive<CancelEvaluation>(c =>
        {
            if (c.Generation <= stamp.Generation) return;
            Reset();
            Become(Idle);
        });
        Receive<Terminated>(t => head is not null && t.ActorRef == head, _ =>
            throw new InvalidOperationException($"the softmax head actor failed: {headFailure?.Message ?? "stopped"}"));
        Receive<IDisposable>(m => m.Dispose());
    }

    // ---------------------------------------------------------------- steps

    void Start(Stamp at)
    {
        stamp = at;
        requester = Sender;
        validation = null;
    }

    void StartScoring(Dataset data, int[] layers, Action<double> then)
    {
        // A CwC network scores every class in one pass.
        int passes = competitive ? 1 : classes;
        tally = new ScoreTally(data, layers, batchSize, passes, classes, competitive);
        feeder.Tell(new StreamPasses(stamp with { Batch = 0 }, PassKind.Score, data, batchSize, passes, iterates ? layerCount - 1 : layers.Max(), Mask(layers)), Self);
        Become(() => Scoring(then));
    }

    void Diagnose(double? accuracy, IReadOnlyList<IActorRef> layers)
    {
        validation = accuracy;
        if (diagnostics is null)
        {
            Reply(new EpochEvaluated(stamp, validation, null));
            return;
        }
        // The pipeline is drained: copy the layers' weights and measure them here.
        weightsPending = diagnostics.Replica.LayerCount;
        for (int l = 0; l < weightsPending; l++) layers[l].Tell(new ReadWeights(stamp with { Batch = -1 }), Self);
        Become(Diagnosing);
    }

    void AfterTestScoring(double accuracy)
    {
        goodnessAccuracy = accuracy;
        if (config.Eval.HeadEpochs <= 0)
        {
            TestDone(double.NaN);
            return;
        }
        head = Context.ActorOf(HeadActor.Props(new HeadActorSettings(s.Data.Train, s.Data.Test, config.Eval, classes, config.Run.Seed,
            s.CoordinatorThreads), s.LayerDispatcher), $"head-g{stamp.Generation}");
        Context.Watch(head);
        StartFeatures(test: false);
    }

    void StartFeatures(bool test)
    {
        var data = test ? s.Data.Test : s.Data.Train;
        var layers = config.Eval.HeadLayersFor(layerCount);
        var pass = new StreamPasses(stamp with { Batch = 0 }, PassKind.Features, data, batchSize, 1, iterates ? layerCount - 1 : layers.Max(), Mask(layers));
        join = new FeatureJoin(layers, pass.Batches, test);
        feeder.Tell(pass, Self);
        Become(Extracting);
    }

    void TestDone(double headAccuracy)
    {
        var result = new EvaluationResult(goodnessAccuracy, config.Eval.ScoreLayersFor(layerCount), headAccuracy, config.Eval.HeadLayersFor(layerCount),
            watch.Elapsed.TotalSeconds) { ProbeOnly = negatives.ProbeOnly };
        Reset();
        Reply(new TestEvaluated(stamp, result));
    }

    void Reply(object message)
    {
        requester.Tell(message, Self);
        Become(Idle);
    }

    static long Mask(int[] layers) => layers.Aggregate(0L, (m, l) => m | (1L << l));

    void Reset()
    {
        tally?.Dispose();
        tally = null;
        join?.Dispose();
        join = null;
        weightsPending = 0;
        if (head is null) return;
        Context.Unwatch(head);
        Context.Stop(head);
        head = null;
    }

    protected override void PostStop()
    {
        Reset();
        diagnostics?.Dispose();
    }
}
