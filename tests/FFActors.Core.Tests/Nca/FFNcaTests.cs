using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Nca;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Nca;

/// <summary>FF-NCA: a cellular automaton whose update rule is learned with FF from the teacher's transitions.</summary>
public class FFNcaTests(Xunit.Abstractions.ITestOutputHelper output)
{
    static readonly NcaOptions Small = new(Size: 24, Radius: 6, Steps: 24, TrainTrajectories: 8, TestTrajectories: 2);

    [Fact]
    public void The_teacher_grows_the_target_rings_from_the_seed_whatever_the_firing_order()
    {
        var target = NcaGrid.Target(24, 6);
        Assert.Equal(13 * 13, target.LivingCount);
        Assert.Equal(RingCells.Living(6), target[12 - 6, 12 + 3]);
        Assert.Equal(0, target[12 - 7, 12]);
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var grids = NcaGrowth.Grow(NcaGrid.Seed(24), NcaGrowth.Teacher(6), 40, 0.5, new Random(seed));
            Assert.Equal(0, grids[^1].ErrorTo(target));
            // Growth is gradual: halfway it is not there yet.
            Assert.True(grids[6].ErrorTo(target) > 0.1);
        }
    }

    [Fact]
    public void A_perception_is_the_label_slots_then_the_3x3_neighbourhood_of_13_channels()
    {
        using var scope = NewDisposeScope();
        var g = NcaGrid.Seed(8);
        var x = g.Perception([(4, 4), (3, 5)], RingCells.MaxStates);
        Assert.Equal([2L, 10 + 9 * 13], x.shape);
        Assert.Equal(0, x.narrow(1, 0, 10).abs().sum().item<float>());
        // Cell (4, 4) is the seed: it is the centre (neighbour 4) of its own perception and the lower-left (neighbour 6) of (3, 5)'s.
        var seed = RingCells.Vector(RingCells.Living(0));
        Assert.Equal(seed, Tensors.Floats(x[0].narrow(0, 10 + 4 * 13, 13)));
        Assert.Equal(seed, Tensors.Floats(x[1].narrow(0, 10 + 6 * 13, 13)));
        Assert.Equal(1, x[1].narrow(0, 10, 9 * 13).reshape(9, 13).select(1, 3).sum().item<float>());
        Assert.Equal([(3, 3), (3, 4), (3, 5), (4, 3), (4, 4), (4, 5), (5, 3), (5, 4), (5, 5)], g.ActiveCells());
    }

    [Fact]
    public void Transitions_label_every_active_cell_with_the_teacher_s_next_state()
    {
        using var data = NcaTransitions.Build(Small, seed: 1);
        Assert.Equal(NcaOptions.Features, data.Train.Features);
        var labels = Tensors.Longs(data.Train.Labels);
        Assert.All(labels, l => Assert.InRange(l, 0, 7));
        Assert.Equal(8, labels.Distinct().Count()); // empty and all 7 rings occur
        output.WriteLine($"{data.Train.Count} train / {data.Test.Count} test transitions; label counts {string.Join(", ", labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}");
    }

    /// <summary>
    /// FF learns the rule from the transitions (784-free: 82 inputs, two layers of 128, wrong-label negatives, seed 1), and
    /// the learned rule grows the rings: after the steps, the grid is closer to the target than the seed is and than the
    /// same network untrained grows it.
    /// </summary>
    [Fact]
    public void A_rule_learned_with_ff_grows_the_pattern_closer_to_the_target_than_the_seed_and_an_untrained_rule()
    {
        var model = new ModelOptions([NcaOptions.Features, 256, 256], InputNorm.Rms, GoodnessKind.Sum, Threshold: null, PeerNorm: 0.03);
        var config = new FFConfig(new RunOptions(Seed: 1), new DataOptions(), model,
            new TrainOptions(Schedule.Simultaneous, 6, 100, Optimizer: new OptimizerOptions(LearningRate: 0.002, Schedule: LrSchedule.Linear)),
            new EvalOptions(HeadEpochs: 0, ValidateEachEpoch: false));
        using var data = NcaTransitions.Build(Small, seed: 1);
        using var untrained = new FFNetwork(config, CPU);
        using var net = new FFNetwork(config, CPU);
        new FFTrainer(config).Train(net, data);
        var overlay = new LabelOverlay();
        var layers = config.Eval.ScoreLayersFor(2);
        double transitions = GoodnessScorer.Accuracy(net, data.Test, overlay, layers, 1000);

        var cells = new RingCells(Small.Radius);
        var target = NcaGrid.Target(Small.Size, Small.Radius);
        var seed = NcaGrid.Seed(Small.Size);
        NcaGrid Grown(FFNetwork n) => NcaGrowth.Grow(seed, NcaGrowth.Learned(n, cells, overlay, layers), Small.Steps, Small.FireRate, new Random(99))[^1];
        double learned = Grown(net).ErrorTo(target), random = Grown(untrained).ErrorTo(target), start = seed.ErrorTo(target);
        output.WriteLine($"next-state accuracy on held-out transitions {transitions:P2}; cells differing from the target after {Small.Steps} steps: " +
            $"learned rule {learned:P2}, untrained rule {random:P2}, seed {start:P2}");
        Assert.True(transitions > 0.9, $"next-state accuracy {transitions:P2}");
        Assert.True(learned < start / 2, $"learned {learned:P2} vs seed {start:P2}");
        Assert.True(learned < random / 2, $"learned {learned:P2} vs untrained {random:P2}");
    }
}
