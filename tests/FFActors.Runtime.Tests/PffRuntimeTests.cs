using FFActors.Core.Layers;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>PFF through the layer actors: each layer's generator (and the top layer's latent generator) learns inside the
/// layer's actor from the input it receives anyway, so Core's trainer, the sequential actors and the pipeline end with
/// bitwise the same weights, generators included.</summary>
public class PffRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Core_sequential_and_pipeline_end_with_bitwise_identical_weights()
    {
        var c = Mnist.Config(layers: [784, 40, 30, 20], epochs: 2, batch: 60, train: 300, peerNorm: 0);
        var config = c with { Model = c.Model with { LayerKind = new PffKind(new PffOptions(Latent: 6, InferenceSteps: 4)) } };
        using var data = Mnist.Load(config);
        var (reference, _, pipe) = RuntimeSupport.TrainEveryWay(config, data, "pff", output, evaluate: false);
        using var _ = reference;
        using var pipeNet = pipe.Network;
        // The generators are part of each layer's module, so the comparison covers them; the top one owns the latent generator.
        Assert.NotNull(((PffLayer)pipeNet.Layers[^1]).Parts.Latent);
        Assert.Null(((PffLayer)pipeNet.Layers[0]).Parts.Latent);
    }
}
