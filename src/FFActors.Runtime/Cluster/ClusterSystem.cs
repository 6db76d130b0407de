using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace FFActors.Runtime.Cluster;

/// <summary>Creating and joining a member's actor system (the same for every role).</summary>
public static class ClusterSystem
{
    public static ActorSystem Create(Config config, ClusterOptions options)
    {
        var setup = BootstrapSetup.Create().WithConfig(config);
        ActorSystemSetup full = options.Tls is { Enabled: true } tls ? setup.And(TlsSetup.For(tls)) : ActorSystemSetup.Create(setup);
        return ActorSystem.Create(ClusterOptions.SystemName, full);
    }

    /// <summary>Joins the configured seed nodes; with none, this node starts a new cluster by joining itself.</summary>
    public static void Join(ActorSystem system, ClusterOptions options)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (options.SeedNodes is not { Count: > 0 }) cluster.Join(cluster.SelfAddress);
    }

    public static Address SelfAddress(ActorSystem system) => Akka.Cluster.Cluster.Get(system).SelfAddress;

    public static string SelfName(ActorSystem system)
    {
        var a = SelfAddress(system);
        return $"{a.Host}:{a.Port}";
    }
}
