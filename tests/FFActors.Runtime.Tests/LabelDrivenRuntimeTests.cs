using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>CwC-FF, Hyperspherical FF and Distance-Forward train through the same layer actors as dense FF: same weights in every mode, same evaluation.</summary>
public class LabelDrivenRuntimeTests(ITestOutputHelper output)
{
    static FFConfig Config(CwcLoss loss)
    {
        var c = Mnist.Config(epochs: 2, batch: 50, train: 300, validation: 100, validate: true);
        return c with
        {
            Model = c.Model with { LayerKind = new CwcKind(new CwcOptions([1, 28, 28], [10, 20, 20], Loss: loss)) },
            // ILT: block 0 learns in epoch 0 only, the others in both; the linear schedule decays inside each window.
            Train = c.Train with
            {
                LayerEpochs = [new(0, 1), new(0, 2), new(0, 2)],
                Optimizer = c.Train.OptimizerOrDefault with { DecayStart = 0 },
            },
            Eval = c.Eval with { ScoreLayers = [2], HeadLayers = [2], HeadEpochs = 2, BatchSize = 64 },
        };
    }

    [Theory]
    [InlineData("hff")]
    [InlineData("distance")]
    [InlineData("mono-forward")]
    public void Single_pass_dense_variants_train_through_the_actors_with_the_same_weights_in_every_mode(string kind)
    {
        var c = Mnist.Config(layers: [784, 64, 48], epochs: 2, batch: 50, train: 300, validation: 100, validate: true);
        var config = c with
        {
            // Hyperspherical FF (class prototypes, cosine), Distance-Forward (class centres, distance) or Mono-Forward (projection to the classes).
            Model = c.Model with
            {
                LayerKind = kind switch
                {
                    "hff" => new HffKind(new HffOptions()),
                    "distance" => new DistanceKind(new DistanceOptions()),
                    _ => new MonoForwardKind(new MonoForwardOptions()),
                },
            },
            Eval = c.Eval with { ScoreLayers = [1], HeadLayers = [1], HeadEpochs = 1, BatchSize = 64 },
        };
        using var data = Mnist.Load(config);
        var (reference, _, pipe) = RuntimeSupport.TrainEveryWay(config, data, kind, output);
        Assert.True(reference.LabelDriven);
        using var _ = reference;
        using var pipeNet = pipe.Network;
    }

    [Theory]
    [InlineData(CwcLoss.CwcCe)]
    [InlineData(CwcLoss.PvN)]
    public void Sequential_pipeline_and_core_trainer_end_with_bitwise_identical_cwc_blocks(CwcLoss loss)
    {
        var config = Config(loss);
        using var data = Mnist.Load(config);
        var (reference, refMetrics, pipe) = RuntimeSupport.TrainEveryWay(config, data, loss.ToString(), output);
        Assert.True(reference.LabelDriven);
        using var _ = reference;
        using var pipeNet = pipe.Network;
        for (int e = 0; e < refMetrics.Count; e++)
            for (int l = 0; l < refMetrics[e].Layers.Count; l++)
            {
                Assert.Equal(refMetrics[e].Layers[l].Loss, pipe.Metrics[e].Layers[l].Loss, 12);
                Assert.Equal(refMetrics[e].Layers[l].LearningRate, pipe.Metrics[e].Layers[l].LearningRate);
            }
        // Epoch 1: block 0 is past its one-epoch window (rate 0), the others halfway through theirs (0.01 → 0.005).
        Assert.Equal([0.0, 0.005, 0.005], pipe.Metrics[1].Layers.Select(l => l.LearningRate));

        // ILT: block 0 stopped learning after epoch 0; a fresh one-epoch run has the same block 0.
        var oneEpoch = config with { Train = config.Train with { Epochs = 1 }, Eval = config.Eval with { ValidateEachEpoch = false } };
        var (afterFirst, _) = RuntimeSupport.Reference(oneEpoch, data);
        using (afterFirst)
        {
            Assert.True(Tensors.Same(afterFirst.Layers[0].Module.parameters().First(), pipeNet.Layers[0].Module.parameters().First()));
            Assert.False(Tensors.Same(afterFirst.Layers[1].Module.parameters().First(), pipeNet.Layers[1].Module.parameters().First()));
        }
    }
}
