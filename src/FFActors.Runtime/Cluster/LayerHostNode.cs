using Akka.Actor;
using Akka.Configuration;
using FFActors.Runtime.Actors;
using static TorchSharp.torch;

namespace FFActors.Runtime.Cluster;

/// <summary>A layer-host member: joins the cluster and runs the <see cref="LayerHostActor"/> that creates layers for coordinators.</summary>
public static class LayerHostNode
{
    /// <param name="frame">Transport frame size (the same on every node).</param>
    /// <param name="extra">Extra HOCON taking precedence (tests: serialize-messages = on).</param>
    /// <param name="hooks">Test hooks for the layers this host creates.</param>
    /// <param name="workSharing">Let this host's layers run each other's matmul chunks (<c>runtime.work-sharing</c>).</param>
    public static ActorSystem Start(ClusterOptions options, long frame, Config? extra = null, RuntimeHooks? hooks = null, ExecutionMode mode = ExecutionMode.Pipeline,
        bool workSharing = false)
    {
        options.Validate();
        var config = ClusterHocon.Build(options, ClusterOptions.LayerHostRole, frame);
        if (extra is not null) config = extra.WithFallback(config);
        var system = ClusterSystem.Create(config, options);
        string name = options.NodeName.Length > 0 ? options.NodeName : ClusterSystem.SelfName(system);
        string dispatcher = mode == ExecutionMode.Pipeline ? RuntimeConfig.PinnedDispatcher : RuntimeConfig.SequentialDispatcher;
        system.ActorOf(LayerHostActor.Props(new LayerHostSettings(name, CPU, dispatcher, hooks, frame, WorkSharing: workSharing)), ClusterOptions.LayerHostActorName);
        ClusterSystem.Join(system, options);
        return system;
    }
}
