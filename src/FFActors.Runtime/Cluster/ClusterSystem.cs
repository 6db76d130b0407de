using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using FFActors.Runtime.Transport;

namespace FFActors.Runtime.Cluster;

/// <summary>Creating and joining a member's actor system (the same for every role).</summary>
public static class ClusterSystem
{
    public static ActorSystem Create(Config config, ClusterOptions options)
    {
        ActorSystemSetup setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        var plane = options.DataPlane ?? new DataPlaneOptions();
        if (options.Tls is { Enabled: true } tls)
        {
            var (certificate, trusted) = TlsSetup.Load(tls);
            setup = setup.And(TlsSetup.For(certificate, trusted)).And(new DataPlaneSetup(options.Host, plane, certificate, trusted));
        }
        else
        {
            setup = setup.And(new DataPlaneSetup(options.Host, plane));
        }
        var system = ActorSystem.Create(ClusterOptions.SystemName, setup);
        // Started now, so a member that cannot open its listener fails here rather than at its first message.
        try
        {
            if (plane.Enabled) DataPlane.For(system);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw new ArgumentException($"cluster.data-plane.port: cannot listen on {options.Host}:{plane.Port}: {e.Message}");
        }
        return system;
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
