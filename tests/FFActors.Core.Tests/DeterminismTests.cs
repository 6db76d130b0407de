using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests;

/// <summary>A run is a function of its seed and configuration: same inputs, bit-identical weights.</summary>
public sealed class DeterminismTests : IDisposable
{
    readonly DataSplits data = Mnist.Load(trainLimit: 2000, testLimit: 100);
    public void Dispose() => data.Dispose();

    static FFConfig Config(long seed, Schedule schedule) => new(
        new RunOptions(Seed: seed),
        new DataOptions(TrainLimit: 2000, TestLimit: 100),
        new ModelOptions([784, 100, 100], InputNorm.L2, GoodnessKind.Mean, 2.0, LossKind.Softplus, PeerNorm: 0.03),
        new TrainOptions(schedule, Epochs: 1, BatchSize: 100, Optimizer: new OptimizerOptions(LearningRate: 0.003)),
        new EvalOptions(ValidateEachEpoch: false));

    /// <summary>Trains a fresh network and returns copies of all its state (weights, biases, running means).</summary>
    List<Tensor> Train(long seed, Schedule schedule)
    {
        var config = Config(seed, schedule);
        using var net = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, CPU);
        var metrics = new FFTrainer(config).Train(net, data);
        Assert.Equal(schedule == Schedule.Greedy ? 2 : 1, metrics.Count);
        return net.Layers.SelectMany(l => new[] { l.Layer.Weight, l.Layer.Bias, l.RunningMean })
            .Select(t => t.detach().clone().DetachFromDisposeScope()).ToList();
    }

    static bool AllEqual(List<Tensor> a, List<Tensor> b) => a.Count == b.Count && a.Zip(b).All(p => Same(p.First, p.Second));

    [Theory]
    [InlineData(Schedule.Simultaneous, 1)]
    [InlineData(Schedule.Greedy, 1)]
    [InlineData(Schedule.Simultaneous, 2)] // the CLI default is one intra-op thread per core
    public void Same_seed_gives_bitwise_identical_weights_and_another_seed_does_not(Schedule schedule, int threads)
    {
        int saved = get_num_threads();
        set_num_threads(threads);
        List<Tensor> first, second, other;
        try
        {
            first = Train(42, schedule);
            second = Train(42, schedule);
            other = Train(43, schedule);
        }
        finally
        {
            set_num_threads(saved);
        }
        try
        {
            Assert.True(AllEqual(first, second), $"{schedule}: two runs with seed 42 differ");
            Assert.False(AllEqual(first, other), $"{schedule}: seeds 42 and 43 gave identical weights");

            // Guard against a vacuous pass: training really moved the weights away from their initialisation.
            using var init = new FFNetwork(Config(42, schedule).Model, new OptimizerOptions(), 42, CPU);
            Assert.False(Same(init.Layers[0].Layer.Weight, first[0]), "layer 0 did not train");
            Assert.False(Same(init.Layers[1].Layer.Weight, first[3]), "layer 1 did not train");
        }
        finally
        {
            foreach (var t in first.Concat(second).Concat(other)) t.Dispose();
        }
    }

    [Fact]
    public void Initial_weights_depend_only_on_seed_and_layer_index()
    {
        var model = new ModelOptions([20, 8, 8, 8]);
        using var a = new FFNetwork(model, new OptimizerOptions(), 7, CPU);
        using var b = new FFNetwork(model, new OptimizerOptions(), 7, CPU);
        using var c = new FFNetwork(model, new OptimizerOptions(), 8, CPU);
        for (int l = 0; l < 3; l++)
        {
            Assert.True(Same(a.Layers[l].Layer.Weight, b.Layers[l].Layer.Weight));
            Assert.True(Same(a.Layers[l].Layer.Bias, b.Layers[l].Layer.Bias));
            Assert.False(Same(a.Layers[l].Layer.Weight, c.Layers[l].Layer.Weight));
        }
        // Layers 1 and 2 have the same shape but their own streams.
        Assert.False(Same(a.Layers[1].Layer.Weight, a.Layers[2].Layer.Weight));
        // Default-style bound: U(−1/√fan_in, 1/√fan_in).
        using var scope = NewDisposeScope();
        double bound = 1 / Math.Sqrt(20);
        Assert.True(a.Layers[0].Layer.Weight.abs().max().item<float>() <= bound);
    }

    [Fact]
    public void Seed_streams_are_distinct_and_stable()
    {
        long[] seeds = [SeedStreams.Derive(1, SeedStreams.LayerInit, 0), SeedStreams.Derive(1, SeedStreams.LayerInit, 1),
            SeedStreams.Derive(1, SeedStreams.DataOrder), SeedStreams.Derive(1, SeedStreams.Negatives),
            SeedStreams.Derive(1, SeedStreams.Head), SeedStreams.Derive(2, SeedStreams.LayerInit, 0)];
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Equal(seeds[0], SeedStreams.Derive(1, SeedStreams.LayerInit, 0));
    }
}
