using FFActors.Core.Layers;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using Xunit;

namespace FFActors.Cluster.Tests;

/// <summary>PFF layers created on two cluster members from their wire specs (generators and the top's latent generator
/// included) end with the local pipeline's weights.</summary>
public class PffClusterTests
{
    [Fact]
    public void A_pff_run_on_two_hosts_ends_with_the_local_runs_weights()
    {
        var c = Mnist.Config(layers: [784, 40, 30], epochs: 1, batch: 50, train: 300, peerNorm: 0);
        var config = c with { Model = c.Model with { LayerKind = new PffKind(new PffOptions(Latent: 6, InferenceSteps: 4)) } };
        using var data = Mnist.Load(config);
        using var local = PipelineRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None).Network;
        var hosts = ClusterSupport.StartHosts(FrameBudget.FrameFor(config, data.Train.Count), o => o, false, ("a", null), ("b", null));
        try
        {
            var result = ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
                ClusterSupport.CoordinatorOptions(hosts[0], 2), extra: ClusterSupport.Strict);
            using var net = result.Network;
            Assert.True(result.Completed);
            Assert.NotNull(((PffLayer)net.Layers[^1]).Parts.Latent);
            Weights.AssertSame(local, net, "PFF on two hosts vs local pipeline");
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }
}
