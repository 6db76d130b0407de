using Akka.Actor;
using Akka.Configuration;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Transport;

namespace FFActors.Cluster.Tests;

/// <summary>Layer hosts and coordinators of in-process clusters, every message serialized.</summary>
static class ClusterSupport
{
    public static RuntimeOptions Runtime(int every = 0, bool checkpoints = true) =>
        new(ExecutionMode.Pipeline, 3, ThreadsPerLayer: 1, CheckpointEvery: every, Checkpoints: checkpoints);

    /// <summary>As Akka's own cluster specs: every message is serialized even between actors of one system.</summary>
    public static Config Strict => ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        """);

    /// <summary>The test models' activations are kilobytes: a low threshold sends them through the data plane.</summary>
    public const long SmallThreshold = 1024;

    /// <summary>Starts layer hosts on port 0: the first one starts the cluster, the others join it.</summary>
    public static List<ActorSystem> StartHosts(long frame, params (string Name, RuntimeHooks? Hooks)[] hosts) =>
        StartHosts(frame, new ClusterOptions().HeartbeatPause, false, hosts);

    /// <param name="crashOnTerminate">Terminate stops the host without leaving the cluster, as a crash would.</param>
    /// <param name="dataPlane">Activations through the data plane (the default) or through Akka.Remote.</param>
    public static List<ActorSystem> StartHosts(long frame, double heartbeatPause, bool crashOnTerminate, params (string Name, RuntimeHooks? Hooks)[] hosts) =>
        StartHosts(frame, heartbeatPause, crashOnTerminate, true, hosts);

    public static List<ActorSystem> StartHosts(long frame, double heartbeatPause, bool crashOnTerminate, bool dataPlane, params (string Name, RuntimeHooks? Hooks)[] hosts) =>
        StartHosts(frame, o => o with { HeartbeatPause = heartbeatPause, DataPlane = o.DataPlane! with { Enabled = dataPlane } }, crashOnTerminate, hosts);

    /// <param name="configure">Settings every host shares beyond its name and seed (TLS, wire precision…).</param>
    public static List<ActorSystem> StartHosts(long frame, Func<ClusterOptions, ClusterOptions> configure, bool crashOnTerminate = false,
        params (string Name, RuntimeHooks? Hooks)[] hosts)
    {
        var extra = crashOnTerminate
            ? ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-actor-system-terminate = off").WithFallback(Strict)
            : Strict;
        var systems = new List<ActorSystem>();
        foreach (var (name, hooks) in hosts)
        {
            var seeds = systems.Count == 0 ? null : new[] { ClusterSystem.SelfAddress(systems[0]).ToString() };
            systems.Add(LayerHostNode.Start(configure(new ClusterOptions(NodeName: name, SeedNodes: seeds,
                DataPlane: new DataPlaneOptions(Threshold: SmallThreshold))), frame, extra, hooks));
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
}
