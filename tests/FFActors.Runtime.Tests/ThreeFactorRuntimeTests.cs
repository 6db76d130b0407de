using System.Collections.Concurrent;
using FFActors.Core;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>Three-factor FF through the layer actors: each modulation reaches the right layer for the right sample, and
/// Core's trainer, the sequential actors and the pipeline end with bitwise the same weights.</summary>
public class ThreeFactorRuntimeTests(ITestOutputHelper output)
{
    static FFConfig Config(Modulation modulation, ModulationFormulation formulation = ModulationFormulation.Corrected, int epochs = 2)
    {
        var c = Mnist.Config(layers: [784, 40, 30, 20], epochs: epochs, batch: 60, train: 300);
        return c with { Model = c.Model with { LayerKind = new ThreeFactorKind(new ThreeFactorOptions(modulation, formulation)) } };
    }

    public static TheoryData<Modulation, ModulationFormulation> Modulations()
    {
        var d = new TheoryData<Modulation, ModulationFormulation>();
        foreach (var m in Enum.GetValues<Modulation>()) d.Add(m, ModulationFormulation.Corrected);
        foreach (var m in new[] { Modulation.TopDown, Modulation.LayerAgreement, Modulation.RewardPrediction }) d.Add(m, ModulationFormulation.Seed);
        return d;
    }

    [Theory]
    [MemberData(nameof(Modulations))]
    public void Core_sequential_and_pipeline_end_with_bitwise_identical_weights(Modulation modulation, ModulationFormulation formulation)
    {
        var config = Config(modulation, formulation);
        using var data = Mnist.Load(config);
        var (reference, refMetrics, pipe) = RuntimeSupport.TrainEveryWay(config, data, $"{modulation} ({formulation})", output, evaluate: false);
        using var _ = reference;
        using var pipeNet = pipe.Network;
        for (int e = 0; e < refMetrics.Count; e++)
            for (int l = 0; l < refMetrics[e].Layers.Count; l++)
                Assert.Equal(refMetrics[e].Layers[l].Loss, pipe.Metrics[e].Layers[l].Loss, 12);
        output.WriteLine($"{modulation} ({formulation}): final loss per layer {string.Join(", ", pipe.Metrics[^1].Layers.Select(l => l.Loss.ToString("F4")))}");
    }

    /// <summary>
    /// Layer agreement in pipeline mode: layer ℓ's modulation of sample i is (2σ(g_ℓ − θ) − 1)(2σ(g_n − θ) − 1) of the
    /// goodness that layers ℓ and n computed for that very sample in their own step on the batch (the probe sees the
    /// weights before the update, as the step does); the corrected negatives carry their positive's value.
    /// </summary>
    [Fact]
    public void Each_layer_gets_the_agreement_of_its_neighbours_goodness_for_its_own_samples()
    {
        var config = Config(Modulation.LayerAgreement);
        using var data = Mnist.Load(config);
        var steps = new ConcurrentBag<LayerStepTrace>();
        var result = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, new RuntimeHooks { OnLayerStep = steps.Add });
        result.Network.Dispose();
        var step = steps.ToDictionary(s => (s.Epoch, s.Batch, s.Layer));
        const int layers = 3;
        Assert.Equal(2 * 5 * layers, step.Count);
        double theta = config.Model.ThresholdFor(0);
        double Verdict(float g) => 2 / (1 + Math.Exp(-(g - theta))) - 1;
        bool differ = false;
        foreach (var s in step.Values)
        {
            var m = s.Signals?[ThreeFactorLayer.ModulationPositive] ?? throw new Xunit.Sdk.XunitException($"layer {s.Layer}: no modulation");
            Assert.Equal(m, s.Signals[ThreeFactorLayer.ModulationNegative]);
            int n = s.Layer < layers - 1 ? s.Layer + 1 : s.Layer - 1;
            var own = s.GoodPositive;
            var neighbour = step[(s.Epoch, s.Batch, n)].GoodPositive;
            for (int i = 0; i < own.Length; i++)
            {
                double expected = Verdict(own[i]) * Verdict(neighbour[i]);
                Assert.Equal(expected, m[i], 1e-4);
            }
            differ |= s.Layer == 0 && !m.SequenceEqual(step[(s.Epoch, s.Batch, 1)].Signals![ThreeFactorLayer.ModulationPositive]);
        }
        Assert.True(differ, "every layer got the same modulation: rows were not told apart");
    }

    /// <summary>Top-down: the readout's probabilities exist only in the top layer; every layer gets the same row, one value
    /// per sample in [−0.5, 0.5], the same for the sample's negative.</summary>
    [Fact]
    public void Top_down_modulation_reaches_every_layer_with_one_value_per_sample()
    {
        var config = Config(Modulation.TopDown, epochs: 1);
        using var data = Mnist.Load(config);
        var steps = new ConcurrentBag<LayerStepTrace>();
        PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null,
            CancellationToken.None, new RuntimeHooks { OnLayerStep = steps.Add }).Network.Dispose();
        foreach (var group in steps.GroupBy(s => s.Batch))
        {
            var rows = group.OrderBy(s => s.Layer).Select(s => s.Signals![ThreeFactorLayer.ModulationPositive]).ToArray();
            Assert.Equal(3, rows.Length);
            Assert.All(rows, r => Assert.Equal(rows[0], r));
            Assert.All(rows[0], v => Assert.InRange(v, -0.5f, 0.5f));
            Assert.True(rows[0].Distinct().Count() > 1, "one value for every sample");
        }
    }
}
