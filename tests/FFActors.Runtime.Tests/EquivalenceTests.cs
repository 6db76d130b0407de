using FFActors.Core.Data;
using FFActors.Core.Training;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Runtime.Tests;

/// <summary>The proof that parallelism changes speed, not the math.</summary>
public class EquivalenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Collaborations => new() { "off", "exact-all", "stale-all", "exact-next", "stale-previous",
        "augmented", "per-block-previous", "hardness-gated-previous", "hardness-gated-stale-previous", "depth-scaled-previous", "depth-scaled-stale-previous" };

    static CollaborationOptions? Collab(string name) => name switch
    {
        "off" or "augmented" => null,
        "exact-all" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Exact),
        "stale-all" => new CollaborationOptions(0.7, CollaborationMode.All, GammaExchange.Stale),
        "exact-next" => new CollaborationOptions(0.5, CollaborationMode.Next, GammaExchange.Exact),
        "stale-previous" => new CollaborationOptions(0.5, CollaborationMode.Previous, GammaExchange.Stale),
        // Cumulative goodness (mode previous, s = 1) with each free-riding remedy.
        "per-block-previous" => new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Exact, CollaborationRemedy.PerBlock),
        "hardness-gated-previous" => new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Exact, CollaborationRemedy.HardnessGated),
        "hardness-gated-stale-previous" => new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Stale, CollaborationRemedy.HardnessGated),
        "depth-scaled-previous" => new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Exact, CollaborationRemedy.DepthScaled),
        "depth-scaled-stale-previous" => new CollaborationOptions(1, CollaborationMode.Previous, GammaExchange.Stale, CollaborationRemedy.DepthScaled),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Collaborations))]
    public void Pipeline_sequential_and_core_trainer_end_with_bitwise_identical_weights(string collaboration)
    {
        // "augmented": shifted and mirrored training images, drawn per batch in every mode.
        var config = Mnist.Config(collab: Collab(collaboration),
            augment: collaboration == "augmented" ? new AugmentOptions(Shift: 2, Flip: true) : null);
        using var data = Mnist.Load(config);
        var (reference, refMetrics) = RuntimeSupport.Reference(config, data);
        using var _ = reference;

        var seq = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Sequential, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var seqNet = seq.Network;
        var pipe = PipelineRunner.Train(config, RuntimeSupport.Runtime(ExecutionMode.Pipeline, checkpoints: false), data, null, false, null, CancellationToken.None);
        using var pipeNet = pipe.Network;

        // Not vacuous: training moved the weights away from the seed's initial ones.
        using (var initial = new FFNetwork(config.Model, config.Train.OptimizerOrDefault, config.Run.Seed, TorchSharp.torch.CPU))
            Assert.False(Weights.Equal(initial, pipeNet));
        Assert.True(seq.Completed);
        Assert.True(pipe.Completed);
        Weights.AssertSame(reference, seqNet, "sequential vs FFTrainer");
        Weights.AssertSame(reference, pipeNet, "pipeline vs FFTrainer");
        Assert.Equal(refMetrics.Count, pipe.Metrics.Count);
        for (int e = 0; e < refMetrics.Count; e++)
            for (int l = 0; l < refMetrics[e].Layers.Count; l++)
            {
                Assert.Equal(refMetrics[e].Layers[l].Loss, pipe.Metrics[e].Layers[l].Loss, 12);
                Assert.Equal(refMetrics[e].Layers[l].Separation, seq.Metrics[e].Layers[l].Separation, 12);
            }
        output.WriteLine($"{collaboration}: final loss per layer {string.Join(", ", pipe.Metrics[^1].Layers.Select(l => l.Loss.ToString("F4")))}");
    }
}
