using FFActors.Core.Layers;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>PCL-FF through the layer actors: Core's trainer, the sequential actors and the pipeline end with bitwise the
/// same weights (encoder, predictor and the running mean error), and the diagnostics read its layers.</summary>
public class PclRuntimeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(PclFormulation.Seed)]
    [InlineData(PclFormulation.Corrected)]
    public void Core_sequential_and_pipeline_end_with_bitwise_identical_weights(PclFormulation formulation)
    {
        var c = Mnist.Config(layers: [784, 40, 30, 20], epochs: 2, batch: 60, train: 300, peerNorm: 0);
        var config = c with
        {
            Model = c.Model with { LayerKind = new PclKind(new PclOptions(formulation)) },
            Eval = c.Eval with { DiagnosticSamples = 100 },
        };
        using var data = Mnist.Load(config);
        var (reference, refMetrics, pipe) = RuntimeSupport.TrainEveryWay(config, data, formulation.ToString(), output, evaluate: false);
        using var _ = reference;
        using var pipeNet = pipe.Network;
        // The diagnostics (dead units per layer) come from a replica loaded with each layer's module state, the same in both.
        for (int e = 0; e < refMetrics.Count; e++)
            for (int l = 0; l < 3; l++)
                Assert.Equal(refMetrics[e].Diagnostics![l].DeadUnits, pipe.Metrics[e].Diagnostics![l].DeadUnits);
    }
}
