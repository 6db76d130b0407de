using System.Security.Cryptography.X509Certificates;
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
