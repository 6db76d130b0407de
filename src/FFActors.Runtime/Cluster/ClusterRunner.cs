using System.Diagnostics;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Transport;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Serialization.Layers;

namespace FFActors.Runtime.Cluster;

/// <summary>
/// Trains with the coordinator as a cluster member (role <c>coordinator</c>) and the layers on the
/// layer hosts: waits until <c>cluster.min-layer-hosts</c> hosts are Up (saying so while it waits),
/// checks that every host's transport frame fits this configuration's largest message, then runs the
/// same coordinator as a local run, with the hosts' LayerHost actors as the places for its layers.
/// </summary>
public static class ClusterRunner
{
    public static PipelineResult Train(FFConfig config, RuntimeOptions runtime, DataSplits data, string? runDir, bool resume,
        ITrainingObserver? observer, CancellationToken cancel, ClusterOptions cluster, Action<string>? say = null,
        RuntimeHooks? hooks = null, bool evaluate = false, Config? extra = null) =>
        PipelineRunner.WithAccounting(Run(config, runtime, data, runDir, resume, observer, cancel, cluster, say, hooks, evaluate, extra));

    internal static RunOutcome Run(FFConfig config, RuntimeOptions runtime, DataSplits data, string? runDir, bool resume,
        ITrainingObserver? observer, CancellationToken cancel, ClusterOptions cluster, Action<string>? say = null,
        RuntimeHooks? hooks = null, bool evaluate = false, Config? extra = null)
    {
        cluster.Validate();
        CheckWireContracts(config);
        say ??= _ => { };
        long needed = FrameBudget.FrameFor(config, data.Train.Count);
        long frame = cluster.MaximumFrameSize > 0 ? cluster.MaximumFrameSize : needed;
        if (frame < needed)
            throw new ArgumentException($"cluster.maximum-frame-size: {frame:N0} bytes is less than the {needed:N0} this configuration needs (layers [{string.Join(", ", config.Model.Layers)}], batch {config.Train.BatchSize}); use 0 (auto)");
        var hocon = ClusterHocon.Build(cluster, ClusterOptions.CoordinatorRole, frame);
        if (extra is not null) hocon = extra.WithFallback(hocon);
        var system = ClusterSystem.Create(hocon, cluster);
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(() => removed.TrySetResult());
        try
        {
            say($"coordinator at {ClusterSystem.SelfAddress(system)}; {DataPlane.Describe(system)}");
            ClusterSystem.Join(system, cluster);
            var hosts = WaitForHosts(system, cluster, needed, say, removed.Task, cancel);
            var nodes = cluster.Placement == PlacementKind.Explicit ? cluster.LayerNodes : null;
            if (nodes is not null && nodes.Count != config.Model.LayerCount)
                throw new ArgumentException($"cluster.layer-nodes: {nodes.Count} names for {config.Model.LayerCount} layers");
            var work = cluster.Placement == PlacementKind.Contiguous ? config.Model.LayerWork() : null;
            var placement = new LayerPlacement(hosts, nodes, work);
            say("placement: " + string.Join(", ", Enumerable.Range(0, config.Model.LayerCount).Select(l => $"layer {l} → {placement.HostFor(l).NodeName}")));
            return PipelineRunner.Run(config, runtime, data, runDir, resume, observer, cancel, hooks, evaluate: evaluate,
                cluster: system, hosts: hosts, layerNodes: nodes, contiguousWork: work);
        }
        catch (Exception e) when (e is not (PipelineFaultException or OperationCanceledException or ClusterSetupException) && removed.Task.IsCompleted)
        {
            // Downed by the split-brain resolver (cut off from the oldest member's side, or left alone): its actors were
            // stopped with the system, whatever they were doing. The checkpoints on disk are intact.
            throw new PipelineFaultException(PipelineFault.ClusterLost,
                $"this coordinator ({ClusterSystem.SelfAddress(system)}) was removed from the cluster: its layer hosts became unreachable", []);
        }
        finally
        {
            var c = Akka.Cluster.Cluster.Get(system);
            c.Leave(c.SelfAddress);
            system.Terminate().Wait(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Blocks until enough layer hosts are Up; returns them, each described by its node name.</summary>
    /// <summary>
    /// Every layer spec must cross the wire before a host is asked for it: a kind without a wire contract is refused here,
    /// in one line, instead of failing on each host's restore attempt while placement waits.
    /// </summary>
    static void CheckWireContracts(FFConfig config)
    {
        var negatives = NegativeSetup.Of(config);
        foreach (var spec in FFNetwork.SpecsFor(config.Model, config.Train.OptimizerOrDefault, config.Train.LayerEpochs, negatives.SharedHalves,
                     config.Train.CollaborationOrDefault))
        {
            try
            {
                LayerSpecWire.Pack(spec, WireSerializer.Options);
            }
            catch (SerializationException e)
            {
                throw new ArgumentException($"model.kind = {config.Model.Kind.Name}: layer {spec.Index} cannot run on a cluster ({e.Message})", e);
            }
        }
    }

    static IReadOnlyList<LayerHostRef> WaitForHosts(ActorSystem system, ClusterOptions options, long needed, Action<string> say, Task removed,
        CancellationToken cancel)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var clock = Stopwatch.StartNew();
        int lastSeen = -1;
        var lastSaid = TimeSpan.Zero;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (removed.IsCompleted)
                throw new PipelineFaultException(PipelineFault.ClusterLost, $"this coordinator ({cluster.SelfAddress}) was removed from the cluster while it waited for layer hosts", []);
            var state = cluster.State;
            var up = state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(ClusterOptions.LayerHostRole)).ToArray();
            bool selfUp = state.Members.Any(m => m.Address.Equals(cluster.SelfAddress) && m.Status == MemberStatus.Up);
            if (selfUp && up.Length >= options.MinLayerHosts) return Describe(system, up, needed, say);
            if (up.Length != lastSeen || clock.Elapsed - lastSaid > TimeSpan.FromSeconds(5))
            {
                say($"waiting for {options.MinLayerHosts} layer host(s) (cluster.min-layer-hosts): {up.Length} up" +
                    $" (seed nodes: {string.Join(", ", options.SeedNodes ?? [])}; this node: {cluster.SelfAddress})");
                lastSeen = up.Length;
                lastSaid = clock.Elapsed;
            }
            if (clock.Elapsed.TotalSeconds > options.JoinTimeoutSeconds)
                throw new ClusterSetupException($"cluster: only {up.Length} of {options.MinLayerHosts} layer hosts up after {options.JoinTimeoutSeconds:0} s (cluster.join-timeout)" +
                    (selfUp ? "" : $"; this node never joined the seed nodes {string.Join(", ", options.SeedNodes ?? [])} (cluster.seed-nodes): is one of them running and reachable?"));
            Thread.Sleep(200);
        }
    }

    static IReadOnlyList<LayerHostRef> Describe(ActorSystem system, Member[] members, long needed, Action<string> say)
    {
        var hosts = new List<LayerHostRef>();
        foreach (var m in members)
        {
            var path = new RootActorPath(m.Address) / "user" / ClusterOptions.LayerHostActorName;
            var host = system.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            var info = host.Ask<LayerHostInfo>(new DescribeHost("describe"), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            if (info.MaximumFrameSize < needed)
                throw new ClusterSetupException($"layer host {info.NodeName} ({m.Address}) has a {info.MaximumFrameSize:N0}-byte transport frame; this configuration needs {needed:N0}: start it with the same config (cluster.maximum-frame-size = 0 computes it)");
            if (hosts.Any(h => h.NodeName == info.NodeName))
                throw new ClusterSetupException($"two layer hosts are named '{info.NodeName}' (--node-name must be unique)");
            hosts.Add(new LayerHostRef(host, info.NodeName));
            say($"layer host {info.NodeName} at {m.Address} is up");
        }
        return hosts;
    }
}

/// <summary>The cluster cannot run this training: too few layer hosts in time, duplicate node names, a host's frame too small.</summary>
public sealed class ClusterSetupException(string message) : Exception(message);
