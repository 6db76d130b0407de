using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Gives an actor system a data plane (<see cref="DataPlane"/>): set up by <c>ClusterSystem.Create</c>
/// for every cluster member. Without it the wire serializer keeps every tensor inside its Akka message.
/// </summary>
/// <param name="host">Address the listener binds to and advertises (<c>cluster.host</c>).</param>
/// <param name="certificate">With TLS: this node's certificate, presented on both ends of every link.</param>
/// <param name="trustedThumbprints">With TLS: the peer certificates accepted, as resolved for the remote transport (<see cref="Cluster.TlsSetup.Load"/>).</param>
public sealed class DataPlaneSetup(string host, DataPlaneOptions options, X509Certificate2? certificate = null, IReadOnlyList<string>? trustedThumbprints = null) : Setup
{
    public string Host { get; } = host;
    public DataPlaneOptions Options { get; } = options;
    public X509Certificate2? Certificate { get; } = certificate;
    public IReadOnlyList<string> TrustedThumbprints { get; } = trustedThumbprints ?? [];
}

/// <summary>Settings of the activation data plane, bound from HOCON <c>cluster.data-plane { ... }</c>.</summary>
/// <param name="Enabled">Tensors of at least <paramref name="Threshold"/> bytes travel on a direct link between members; off = everything through Akka.Remote.</param>
/// <param name="Port">Listener port on <c>cluster.host</c>; 0 = any free port (it is advertised inside each message).</param>
/// <param name="Threshold">Smallest tensor, in bytes, sent through the data plane; smaller ones stay inside the Akka message.</param>
/// <param name="ExpirySeconds">How long a payload that nobody fetched is kept (its message was lost with its receiver).</param>
/// <param name="FetchTimeoutSeconds">How long a receiver waits for a payload before the message is dropped as unreadable.</param>
public sealed record DataPlaneOptions(
    bool Enabled = true,
    int Port = 0,
    long Threshold = 64 * 1024,
    double ExpirySeconds = 60,
    double FetchTimeoutSeconds = 30)
{
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"cluster.data-plane.port: {Port} is not a TCP port");
        if (Threshold < 0) throw new ArgumentException($"cluster.data-plane.threshold: {Threshold} must be 0 or more bytes");
        if (!(ExpirySeconds > 0)) throw new ArgumentException($"cluster.data-plane.expiry: {ExpirySeconds} must be more than 0 seconds");
        if (!(FetchTimeoutSeconds > 0)) throw new ArgumentException($"cluster.data-plane.fetch-timeout: {FetchTimeoutSeconds} must be more than 0 seconds");
    }
}

/// <summary>One <see cref="DataPlane"/> per actor system, started on first use and stopped with the system.</summary>
public sealed class DataPlaneExtension : ExtensionIdProvider<DataPlane>
{
    public static readonly DataPlaneExtension Instance = new();

    public override DataPlane CreateExtension(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<DataPlaneSetup>();
        if (!setup.HasValue) throw new InvalidOperationException("this actor system was created without a DataPlaneSetup");
        var plane = new DataPlane(setup.Value);
        system.RegisterOnTermination(plane.Dispose);
        return plane;
    }
}
