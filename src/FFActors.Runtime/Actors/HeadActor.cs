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
    readonly List<Tensor> train = [];
    readonly List<Tensor> test = [];

    public HeadActor(HeadActorSettings settings)
    {
        s = settings;
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
        var trainFeatures = cat(train, 0);
        var testFeatures = cat(test, 0);
        Release();
        using var head = new SoftmaxHead((int)trainFeatures.shape[1], s.Classes, gen);
        head.to(trainFeatures.device);
        head.Fit(trainFeatures, s.Train.Labels, s.Options.HeadEpochs, s.Options.HeadBatchSize, s.Options.HeadLearningRate, gen);
        return head.Accuracy(testFeatures, s.Test.Labels, s.Options.BatchSize);
    }

    void Release()
    {
        foreach (var t in train) t.Dispose();
        foreach (var t in test) t.Dispose();
        train.Clear();
        test.Clear();
    }

    protected override void PostStop() => Release();
}
