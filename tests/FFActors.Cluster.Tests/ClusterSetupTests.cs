using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using Xunit;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

/// <summary>
/// A cluster that cannot run the training says why in one line, naming the key or node, within its join timeout and
/// before any layer is created: too few hosts, two hosts of one name, a host's frame too small, a seed node that is
/// malformed or unreachable, a certificate that is not there.
/// </summary>
public class ClusterSetupTests(ITestOutputHelper output)
{
    static Exception Fails(Action train, double within)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.ThrowsAny<Exception>(train);
        Assert.True(clock.Elapsed.TotalSeconds < within, $"took {clock.Elapsed.TotalSeconds:F0} s (bound {within} s)");
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    static void Train(ClusterOptions coordinator)
    {
        var config = Mnist.Config(epochs: 1, train: 200);
        using var data = Mnist.Load(config);
        ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None, coordinator, extra: ClusterSupport.Strict)
            .Network.Dispose();
    }

    static long Frame => FrameBudget.FrameFor(Mnist.Config(epochs: 1, train: 200), 200);

    [Fact]
    public void Too_few_layer_hosts_within_the_join_timeout_is_an_error_naming_the_key()
    {
        var hosts = ClusterSupport.StartHosts(Frame, ("a", null));
        try
        {
            var e = Fails(() => Train(ClusterSupport.CoordinatorOptions(hosts[0], 2) with { JoinTimeoutSeconds = 3 }), within: 60);
            output.WriteLine(e.Message);
            Assert.IsType<ClusterSetupException>(e);
            Assert.Contains("only 1 of 2 layer hosts up after 3 s (cluster.join-timeout)", e.Message);
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }

    [Fact]
    public void Two_layer_hosts_of_one_name_are_refused()
    {
        var hosts = ClusterSupport.StartHosts(Frame, ("a", null), ("a", null));
        try
        {
            var e = Fails(() => Train(ClusterSupport.CoordinatorOptions(hosts[0], 2)), within: 90);
            output.WriteLine(e.Message);
            Assert.IsType<ClusterSetupException>(e);
            Assert.Contains("two layer hosts are named 'a'", e.Message);
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }

    [Fact]
    public void A_layer_host_with_a_smaller_frame_than_the_config_needs_is_refused_by_name()
    {
        var hosts = ClusterSupport.StartHosts(64_000, ("small", null));
        try
        {
            var e = Fails(() => Train(ClusterSupport.CoordinatorOptions(hosts[0], 1)), within: 90);
            output.WriteLine(e.Message);
            Assert.IsType<ClusterSetupException>(e);
            Assert.Contains("layer host small", e.Message);
            Assert.Contains("64,000-byte transport frame", e.Message);
            Assert.Contains("cluster.maximum-frame-size", e.Message);
        }
        finally
        {
            ClusterSupport.StopAll(hosts);
        }
    }

    /// <summary>A layer kind the wire format does not know: its specs are those of a dense network under another name.</summary>
    sealed class UnwiredKind : ILayerKind
    {
        sealed record UnwiredSpec(LayerSpec Inner) : LayerSpec(Inner.Index, Inner.InputSize, Inner.OutputSize, Inner.Optimizer, Inner.Window)
        {
            public override string Kind => "unwired";
            public override bool LabelDriven => false;
            public override IFFLayer Create(long seed, Device device) => Inner.Create(seed, device);
            public override nn.Module<Tensor, Tensor> CreateModule(Generator init, string name) => Inner.CreateModule(init, name);
        }

        public string Name => "unwired";
        public bool LabelDriven => false;
        public IReadOnlyList<LayerSpec> Specs(ModelOptions model, NetworkContext context) =>
            DenseKind.Instance.Specs(model, context).Select(s => (LayerSpec)new UnwiredSpec(s)).ToList();
        public string Describe(ModelOptions model) => "unwired";
        public string Fingerprint(ModelOptions model) => "";
        public double[] LayerWork(ModelOptions model) => DenseKind.Instance.LayerWork(model);
    }

    [Fact]
    public void A_layer_kind_without_a_wire_contract_is_refused_before_the_cluster_starts()
    {
        var config = Mnist.Config(epochs: 1, train: 200);
        config = config with { Model = config.Model with { LayerKind = new UnwiredKind() } };
        using var data = Mnist.Load(config);
        var e = Fails(() => ClusterRunner.Train(config, ClusterSupport.Runtime(), data, null, false, null, CancellationToken.None,
            new ClusterOptions(), extra: ClusterSupport.Strict).Network.Dispose(), within: 10);
        Assert.IsType<ArgumentException>(e);
        Assert.StartsWith("model.kind = unwired: layer 0 cannot run on a cluster (layer spec: no wire contract for kind 'unwired')", e.Message);
    }

    [Fact]
    public void A_malformed_seed_node_is_refused_before_anything_starts()
    {
        var e = Fails(() => Train(new ClusterOptions(SeedNodes: ["akka.tcp://other@127.0.0.1:1"])), within: 30);
        Assert.IsType<ArgumentException>(e);
        Assert.StartsWith("cluster.seed-nodes: 'akka.tcp://other@127.0.0.1:1' is not akka.tcp://ffactors@HOST:PORT", e.Message);
    }

    [Fact]
    public void An_unreachable_seed_node_is_named_when_the_join_times_out()
    {
        // A port nobody listens on (held by a listener that never accepts, so no other test can take it meanwhile).
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string seed = $"akka.tcp://ffactors@127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}";
        var e = Fails(() => Train(new ClusterOptions(SeedNodes: [seed], JoinTimeoutSeconds: 3)), within: 60);
        output.WriteLine(e.Message);
        Assert.IsType<ClusterSetupException>(e);
        Assert.Contains($"never joined the seed nodes {seed} (cluster.seed-nodes)", e.Message);
    }

    [Fact]
    public void A_missing_certificate_is_refused_by_key_on_the_coordinator_and_on_a_layer_host()
    {
        var missing = Path.Combine(TempFolder.New(), "node.pfx");
        var tls = new ClusterOptions(Tls: new TlsOptions(true, missing, "secret"));
        var coordinator = Fails(() => Train(tls), within: 30);
        var host = Fails(() => LayerHostNode.Start(tls with { NodeName = "a" }, Frame).Terminate(), within: 30);
        foreach (var e in new[] { coordinator, host })
        {
            Assert.IsType<ArgumentException>(e);
            Assert.Equal($"cluster.tls.certificate-path: '{missing}' not found", e.Message);
        }
    }
}
