using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>
/// Dendritic FF and prospective-configuration FF carry the label context in front of their activities and train through
/// the same layer actors as dense FF: Core's trainer, the sequential actors and the pipeline actors end with bitwise the
/// same weights (the feedback buffer and the peer-normalisation means included), and evaluation through the actors
/// (one scoring pass per label, softmax head) equals Core's.
/// </summary>
public class ContextKindRuntimeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("dendritic")]
    [InlineData("prospective-seed")]
    [InlineData("prospective-paper")]
    public void Context_kinds_train_through_the_actors_with_the_same_weights_in_every_mode(string kind)
    {
        var c = Mnist.Config(layers: [784, 64, 48], epochs: 2, batch: 50, train: 300, validation: 100, validate: true);
        ILayerKind layerKind = kind switch
        {
            "dendritic" => new DendriticKind(),
            "prospective-seed" => new ProspectiveKind(new ProspectiveOptions(ProspectiveFormulation.Seed, Beta: 5)),
            _ => new ProspectiveKind(new ProspectiveOptions(ProspectiveFormulation.Paper, Steps: 4)),
        };
        var config = c with
        {
            Model = c.Model with { LayerKind = layerKind },
            Eval = c.Eval with { ScoreLayers = [0, 1], HeadLayers = [1], HeadEpochs = 1, BatchSize = 64 },
        };
        using var data = Mnist.Load(config);
        var (reference, _, pipe) = RuntimeSupport.TrainEveryWay(config, data, kind.ToString(), output);
        using var _ = reference;
        using var pipeNet = pipe.Network;
        Assert.False(reference.LabelDriven);
    }

    [Fact]
    public void A_stopped_prospective_run_resumes_from_its_checkpoint_to_the_weights_of_an_uninterrupted_run()
    {
        // The checkpoint keeps what a context layer adds: the feedback buffer, and the peer-normalisation means in the
        // units' part of the state vector.
        var c = Mnist.Config(layers: [784, 64, 48], epochs: 2, batch: 50, train: 400);
        var config = c with { Model = c.Model with { LayerKind = new ProspectiveKind(new ProspectiveOptions(Steps: 3)) } };
        using var data = Mnist.Load(config);
        RuntimeSupport.StopAndResume(config, data, RuntimeSupport.Runtime(ExecutionMode.Pipeline, every: 3), stopAfter: 8 + 4,
            ExecutionMode.Sequential, "prospective");
    }
}
