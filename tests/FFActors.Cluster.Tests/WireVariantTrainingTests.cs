using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

/// <summary>Whole training runs over the two wire variants a user can switch on: mutual TLS, and half-precision activations.</summary>
public class WireVariantTrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void A_run_over_mutual_TLS_ends_with_the_local_runs_weights()
    {
        var config = Mnist.Config(epochs: 2, batch: 50, train: 400);
        using var data = Mnist.Load(config);
        using var local = PipelineRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None).Network;

        var tls = new TlsOptions(true, Certificates.SelfSigned(TempFolder.New(), "ffactors-cluster", "secret"), "secret");
        var hosts = ClusterSupport.StartHosts(FrameBudget.FrameFor(config, data.Train.Count), o => o with { Tls = tls }, false, ("a", null), ("b", null));
        try
        {
            string seed = ClusterSystem.SelfAddress(hosts[0]).ToString();
            Assert.StartsWith("akka.ssl.tcp://", seed);
            var result = ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 2) with { Tls = tls }, extra: ClusterSupport.Strict);
            using var net = result.Network;
            foreach (var line in result.Log) output.WriteLine(line);
            Assert.True(result.Completed);
            // The activations crossed the hosts' TLS data planes, not only the (TLS) Akka links.
            long served = hosts.Sum(h => DataPlane.For(h)?.Served ?? 0);
            Assert.True(served >= 2 * (400 / 50), $"{served} payloads served over TLS");
            Weights.AssertSame(local, net, "TLS cluster vs local pipeline");
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }

    [Fact]
    public void A_run_with_float16_activations_on_the_wire_trains_about_as_well_as_float32_and_is_not_the_same_run()
    {
        // A loss that learns to score labels within these 40 steps (SymBa on RMS-normalised inputs, Adam 0.01 without decay):
        // the small runs' default objective is still at chance after them, where two runs cannot be told apart.
        var small = Mnist.Config(layers: [784, 100, 100], epochs: 2, batch: 50, train: 1000);
        var config = small with
        {
            Model = small.Model with { Loss = LossKind.SymBa, InputNorm = InputNorm.Rms },
            Train = small.Train with { Optimizer = new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Constant) },
        };
        using var data = Mnist.Load(config);
        using var test = Mnist.Load(trainLimit: 1, testLimit: 1000);
        using var local = PipelineRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None).Network;

        var hosts = ClusterSupport.StartHosts(FrameBudget.FrameFor(config, data.Train.Count), o => o with { Precision = WirePrecision.Float16 }, false,
            ("a", null), ("b", null));
        try
        {
            var result = ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 2) with { Precision = WirePrecision.Float16 }, extra: ClusterSupport.Strict);
            using var net = result.Network;
            Assert.True(result.Completed);
            Assert.All(result.Metrics.SelectMany(m => m.Layers), l => Assert.True(double.IsFinite(l.Loss), $"layer {l.Layer} loss {l.Loss}"));
            // Rounded activations change the math (not vacuous), but not what the network learns.
            Assert.False(Weights.Equal(local, net), "float16 on the wire left the weights of a float32 run");
            var overlay = new LabelOverlay(config.Model.LabelValue);
            int[] layers = [0, 1];
            double half = GoodnessScorer.Accuracy(net, test.Test, overlay, layers, 500);
            double full = GoodnessScorer.Accuracy(local, test.Test, overlay, layers, 500);
            output.WriteLine($"784-100-100 SymBa, 2 epochs of 1000: goodness accuracy float32 {full:P2}, float16 wire {half:P2} on {test.Test.Count} test images");
            Assert.True(full > 0.5, $"float32: {full:P2}: the comparison needs a run that learned");
            Assert.True(Math.Abs(half - full) <= 0.05, $"float16 {half:P2} vs float32 {full:P2}");
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }
}
