using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Transport;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

static class TestSupport
{
    static readonly Lazy<string> root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FFActors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FFActors.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => root.Value;

    public static FFConfig Config(int epochs = 2, int batch = 50, int train = 600, long seed = 7, int[]? layers = null) =>
        new(new RunOptions(Seed: seed),
            new DataOptions(Dir: Path.Combine(RepoRoot, "samples", "data"), TrainLimit: train, TestLimit: 200),
            new ModelOptions(layers ?? [784, 64, 48, 32], PeerNorm: 0.03),
            new TrainOptions(Schedule.Simultaneous, epochs, batch, Optimizer: new OptimizerOptions(LearningRate: 0.01, Schedule: LrSchedule.Linear)),
            new EvalOptions(HeadEpochs: 0, BatchSize: 100));

    public static DataSplits Load(FFConfig config) => DatasetLoader.Load(config.Data, CPU);

    public static RuntimeOptions Runtime(int every = 0, bool checkpoints = true) =>
        new(ExecutionMode.Pipeline, 3, ThreadsPerLayer: 1, CheckpointEvery: every, Checkpoints: checkpoints);

    /// <summary>As Akka's own cluster specs: every message is serialized even between actors of one system.</summary>
    public static Config Strict => ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        """);

    public static bool BitwiseEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    public static void AssertSameWeights(FFNetwork expected, FFNetwork actual, string what)
    {
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            var pe = expected.Layers[l].Layer.named_parameters().ToArray();
            var pa = actual.Layers[l].Layer.named_parameters().ToArray();
            for (int i = 0; i < pe.Length; i++)
                Assert.True(BitwiseEqual(pe[i].parameter, pa[i].parameter), $"{what}: layer {l} parameter {pe[i].name} differs");
            Assert.True(BitwiseEqual(expected.Layers[l].RunningMean, actual.Layers[l].RunningMean), $"{what}: layer {l} running mean differs");
        }
    }

    /// <summary>The test models' activations are kilobytes: a low threshold sends them through the data plane.</summary>
    public const long SmallThreshold = 1024;

    /// <summary>Starts layer hosts on port 0: the first one starts the cluster, the others join it.</summary>
    public static List<ActorSystem> StartHosts(long frame, params (string Name, RuntimeHooks? Hooks)[] hosts) =>
        StartHosts(frame, new ClusterOptions().HeartbeatPause, false, hosts);

    /// <param name="crashOnTerminate">Terminate stops the host without leaving the cluster, as a crash would.</param>
    /// <param name="dataPlane">Activations through the data plane (the default) or through Akka.Remote.</param>
    public static List<ActorSystem> StartHosts(long frame, double heartbeatPause, bool crashOnTerminate, params (string Name, RuntimeHooks? Hooks)[] hosts) =>
        StartHosts(frame, heartbeatPause, crashOnTerminate, true, hosts);

    public static List<ActorSystem> StartHosts(long frame, double heartbeatPause, bool crashOnTerminate, bool dataPlane, params (string Name, RuntimeHooks? Hooks)[] hosts)
    {
        var extra = crashOnTerminate
            ? ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off").WithFallback(Strict)
            : Strict;
        var systems = new List<ActorSystem>();
        foreach (var (name, hooks) in hosts)
        {
            var seeds = systems.Count == 0 ? null : new[] { ClusterSystem.SelfAddress(systems[0]).ToString() };
            systems.Add(LayerHostNode.Start(new ClusterOptions(NodeName: name, SeedNodes: seeds, HeartbeatPause: heartbeatPause,
                DataPlane: new DataPlaneOptions(Enabled: dataPlane, Threshold: SmallThreshold)), frame, extra, hooks));
        }
        return systems;
    }

    public static ClusterOptions CoordinatorOptions(ActorSystem seed, int hosts, IReadOnlyList<string>? layerNodes = null, bool dataPlane = true) =>
        new(SeedNodes: [ClusterSystem.SelfAddress(seed).ToString()], MinLayerHosts: hosts,
            Placement: layerNodes is null ? PlacementKind.RoundRobin : PlacementKind.Explicit, LayerNodes: layerNodes, JoinTimeoutSeconds: 60,
            DataPlane: new DataPlaneOptions(Enabled: dataPlane, Threshold: SmallThreshold));

    public static void StopAll(IEnumerable<ActorSystem> systems)
    {
        foreach (var s in systems) s.Terminate();
        foreach (var s in systems) s.WhenTerminated.Wait(TimeSpan.FromSeconds(20));
    }

    /// <summary>A self-signed certificate for server and client authentication, written as a PKCS#12 file; returns its path.</summary>
    public static string Certificate(string dir, string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(dir, name + ".pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, password));
        return path;
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ffactors-cluster-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
