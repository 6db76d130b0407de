using Akka.Actor;
using FFActors.Core.Evaluation;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Runtime.Actors;

/// <summary>
/// The softmax head as an actor of its own: collects the layers' normalised activities (neutral
/// label) for the training and test splits, trains a linear softmax classifier on them and reports
/// its test accuracy. Same generator stream, initialisation and training loop as Core's
/// <see cref="Evaluator"/>, so the accuracy is the same. One state: it collects until asked to fit.
/// </summary>
internal sealed class HeadActor : ReceiveActor
{
    readonly HeadActorSettings s;
    // Each batch's features go into their rows as they arrive (in batch order), so no split is ever held twice.
    readonly FeatureRows train;
    readonly FeatureRows test;

    public HeadActor(HeadActorSettings settings)
    {
        s = settings;
        train = new FeatureRows(s.Train.Count);
        test = new FeatureRows(s.Test.Count);
        Receive<HeadFeatures>(f => (f.Test ? test : train).Add(f.Features));
        Receive<FitHead>(fit =>
        {
            IntraOpThreads.Ensure(s.Threads);
            Sender.Tell(new HeadAccuracy(fit.Stamp, Fit()), Self);
        });
    }

    public static Props Props(HeadActorSettings settings, string dispatcher) =>
        Akka.Actor.Props.Create(() => new HeadActor(settings)).WithDispatcher(dispatcher);

    double Fit()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator((ulong)SeedStreams.Derive(s.Seed, SeedStreams.Head));
        using var head = new SoftmaxHead(train.Width, s.Classes, gen);
        head.to(train.Device);
        try
        {
            head.Fit(train.With(s.Train.Labels), s.Options.HeadEpochs, s.Options.HeadBatchSize, s.Options.HeadLearningRate, gen);
            return head.Accuracy(test.With(s.Test.Labels), s.Options.BatchSize);
        }
        finally
        {
            // The features are read once: the rest of the run does not hold them.
            train.Dispose();
            test.Dispose();
        }
    }

    protected override void PostStop()
    {
        train.Dispose();
        test.Dispose();
    }
}
