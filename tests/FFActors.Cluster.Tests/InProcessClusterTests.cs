using System.Collections.Concurrent;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Transport;
using Xunit;
using Xunit.Abstractions;

namespace FFActors.Cluster.Tests;

/// <summary>Clusters of ActorSystems in this process on port 0, every message serialized (serialize-messages = on).</summary>
public class InProcessClusterTests(ITestOutputHelper output)
{
    static RuntimeHooks Recorder(ConcurrentDictionary<int, byte> layers) => new() { OnLayerStep = s => layers[s.Layer] = 1 };

    [Theory]
    [InlineData(null, true)]
    [InlineData("b,a,b", true)]
    [InlineData(null, false)]
    public void Layers_are_placed_on_the_hosts_and_training_ends_with_the_local_runs_weights(string? explicitNodes, bool dataPlane)
    {
        var config = Mnist.Config(epochs: 2, batch: 50, train: 400);
        using var data = Mnist.Load(config);
        using var local = PipelineRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None).Network;

        var onA = new ConcurrentDictionary<int, byte>();
        var onB = new ConcurrentDictionary<int, byte>();
        long frame = FrameBudget.FrameFor(config, data.Train.Count);
        var hosts = ClusterSupport.StartHosts(frame, new ClusterOptions().HeartbeatPause, false, dataPlane, ("a", Recorder(onA)), ("b", Recorder(onB)));
        try
        {
            var nodes = explicitNodes?.Split(',');
            var said = new List<string>();
            var result = ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 2, nodes, dataPlane), say: said.Add, extra: ClusterSupport.Strict);
            using var net = result.Network;
            foreach (var line in said.Concat(result.Log)) output.WriteLine(line);
            Assert.True(result.Completed);
            Assert.Contains(said, l => l.StartsWith("waiting for 2 layer host(s)"));
            // Round-robin over hosts ordered by name: a gets 0 and 2, b gets 1; or exactly the explicit map.
            int[] expectA = nodes is null ? [0, 2] : [1];
            int[] expectB = nodes is null ? [1] : [0, 2];
            Assert.Equal(expectA, onA.Keys.Order().ToArray());
            Assert.Equal(expectB, onB.Keys.Order().ToArray());
            Weights.AssertSame(local, net, "cluster vs local pipeline");
            // Activations left the hosts through the data plane, or (off) it was never started.
            long served = hosts.Sum(h => DataPlane.For(h)?.Served ?? 0);
            output.WriteLine($"payloads served by the hosts' data planes: {served}");
            if (dataPlane) Assert.True(served >= 2 * 2 * (400 / 50), $"{served} payloads served");
            else Assert.All(hosts, h => Assert.Null(DataPlane.For(h)));
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }
}
