using Akka.Actor;
using Akka.Configuration;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

public class FrameBudgetTests
{
    [Fact]
    public void The_computed_frame_carries_the_largest_batch_and_checkpoint_of_the_config_and_no_more_than_needed()
    {
        var config = Mnist.Config(batch: 128, train: 600, layers: [784, 300, 200]);
        long frame = FrameBudget.FrameFor(config, 600);
        using var system = ActorSystem.Create("frame", WireConfig.Config().WithFallback(
            ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.maximum-frame-size = {frame}b")));
        var serializer = (WireSerializer)system.Serialization.FindSerializerForType(typeof(TrainBatch));

        // The widest activation (the 784-wide input) of a full batch, with the [L, B] γ rows.
        var batch = serializer.ToBinary(new TrainBatch(new Stamp("r", 1, 0, 0), randn(128, 784), randn(128, 784),
            new Dictionary<string, Tensor> { [SignalNames.GammaPositive] = randn(2, 128), [SignalNames.GammaNegative] = randn(2, 128) }));
        // The largest layer's checkpoint (784×300 with Adam moments), as a layer ships it.
        var options = new DenseSpec(0, 784, 300, new OptimizerOptions(), null, InputNorm.L2, new Objective(GoodnessKind.Sum, 300, LossKind.Softplus), 0.03);
        using var trainer = options.Create(1, CPU);
        using (var x = randn(8, 784)) { var (o, _) = trainer.Step(x, x); o.Positive.Dispose(); o.Negative.Dispose(); } // Adam state exists after a step
        var checkpoint = serializer.ToBinary(new CheckpointSaved(new Stamp("r", 1, 0, 0), 0, "e0000-b000000", LayerCheckpoint.ToBytes(trainer)));

        long largest = Math.Max(batch.Length, checkpoint.Length);
        Assert.True(largest + WireSerializer.EnvelopeReserve <= frame, $"largest message {largest:N0} B does not fit the {frame:N0}-B frame");
        Assert.True(frame < 2 * largest + 128 * 1024, $"frame {frame:N0} B is far more than the largest message {largest:N0} B needs");
    }

    [Fact]
    public void A_frame_below_what_the_config_needs_is_refused_before_training()
    {
        var config = Mnist.Config();
        using var data = Mnist.Load(config);
        var e = Assert.Throws<ArgumentException>(() => ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null,
            CancellationToken.None, new ClusterOptions(MaximumFrameSize: 64_000)));
        Assert.Contains("cluster.maximum-frame-size", e.Message);
    }
}
