using System.Collections.Concurrent;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Transport;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>
/// Hinton's recurrent FF across two in-process cluster members, every message serialized: the states of the synchronous
/// iterations cross the members in both directions (up and over the top-down path), through the data plane, and the run
/// ends with the weights of the local run.
/// </summary>
public class RecurrentClusterTests(ITestOutputHelper output)
{
    [Fact]
    public void A_recurrent_run_on_two_hosts_ends_with_the_local_runs_weights()
    {
        const int iterations = 4;
        var c = Mnist.Config(layers: [784, 64, 48, 32], epochs: 2, batch: 50, train: 400, peerNorm: 0);
        var config = c with
        {
            Model = c.Model with
            {
                InputNorm = InputNorm.Rms,
                Threshold = 0.3,
                LayerKind = new RecurrentKind(new RecurrentOptions(Iterations: iterations, ScoreFrom: 2, ScoreTo: 3)),
            },
        };
        using var data = Mnist.Load(config);
        using var local = PipelineRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None).Network;

        var onA = new ConcurrentDictionary<int, byte>();
        var onB = new ConcurrentDictionary<int, byte>();
        RuntimeHooks Recorder(ConcurrentDictionary<int, byte> layers) => new() { OnIteration = t => layers[t.Layer] = 1 };
        var hosts = ClusterSupport.StartHosts(FrameBudget.FrameFor(config, data.Train.Count), ("a", Recorder(onA)), ("b", Recorder(onB)));
        try
        {
            var result = ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 2), extra: ClusterSupport.Strict);
            using var net = result.Network;
            foreach (var line in result.Log) output.WriteLine(line);
            Assert.True(result.Completed);
            // Round-robin: layers 0 and 2 on a, layer 1 on b, so every state layer 1 hears or sends crosses the members.
            Assert.Equal([0, 2], onA.Keys.Order().ToArray());
            Assert.Equal([1], onB.Keys.Order().ToArray());
            Weights.AssertSame(local, net, "recurrent cluster vs local pipeline");
            // Per batch, positives and negatives of: the states going up at iterations 1..T−1 (0→1, 1→2) and the top-down
            // states going down at iterations 0..T−1 (2→1, 1→0), all across the members and above the data plane's threshold.
            long served = hosts.Sum(h => DataPlane.For(h)?.Served ?? 0);
            int batches = 2 * 400 / 50, perBatch = 2 * (2 * (iterations - 1) + 2 * iterations);
            output.WriteLine($"payloads served by the hosts' data planes: {served}");
            Assert.True(served >= batches * perBatch, $"{served} payloads served, expected at least {batches * perBatch}");
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }
}
