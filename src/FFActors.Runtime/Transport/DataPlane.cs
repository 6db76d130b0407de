using System.Net;
using System.Net.Sockets;
using System.Runtime.Serialization;
using Akka.Actor;
using FFActors.Runtime.Serialization;

namespace FFActors.Runtime.Transport;

/// <summary>
/// Activations beside Akka.Remote. Akka.Remote moves a 4 MB message at about 200 MB/s on loopback
/// (several copies through DotNetty), so on a cluster member the wire serializer puts each large
/// tensor here instead and sends only a reference (<see cref="WireBlob"/>) inside the Akka message;
/// the receiving member's serializer fetches the bytes straight into the new tensor's storage. The
/// Akka message still carries everything else, so ordering, credits, failure detection and the
/// protocol are Akka's; a payload whose member died is an unreadable message, like one lost with it.
/// </summary>
public sealed class DataPlane : IExtension, IDisposable
{
    readonly BlobStore store;
    readonly BlobServer server;
    readonly BlobFetcher fetcher;

    public DataPlane(DataPlaneSetup setup)
    {
        var o = setup.Options;
        o.Validate();
        Host = setup.Host;
        Threshold = o.Threshold;
        var security = setup.Certificate is { } cert ? new LinkSecurity(cert, setup.TrustedThumbprints) : null;
        store = new BlobStore(TimeSpan.FromSeconds(o.ExpirySeconds));
        server = new BlobServer(BindAddress(setup.Host), o.Port, store, security);
        fetcher = new BlobFetcher(security, TimeSpan.FromSeconds(o.FetchTimeoutSeconds));
    }

    /// <summary>The data plane of <paramref name="system"/>, or null when it has none (not a cluster member, or <c>cluster.data-plane.enabled = off</c>).</summary>
    public static DataPlane? For(ActorSystem system) =>
        system.Settings.Setup.Get<DataPlaneSetup>() is { HasValue: true } s && s.Value.Options.Enabled ? DataPlaneExtension.Instance.Apply(system) : null;

    /// <summary>One line for the logs: where the data plane listens, and for what; or that it is off.</summary>
    public static string Describe(ActorSystem system) => For(system) is { } plane
        ? $"data plane {plane.Host}:{plane.Port} for tensors of {plane.Threshold:N0} bytes or more"
        : "data plane off";

    public string Host { get; }

    public int Port => server.Port;

    /// <summary>Tensors of at least this many bytes travel here.</summary>
    public long Threshold { get; }

    /// <summary>Payloads offered and not yet fetched (nor expired).</summary>
    public int Pending => store.Count;

    /// <summary>Payloads fetched from this member so far.</summary>
    public long Served => store.Taken;

    public WireBlob Offer(ReadOnlySpan<byte> bytes) => new(Host, Port, store.Put(bytes), bytes.Length);

    public void Fetch(WireBlob blob, Span<byte> into)
    {
        if (blob.Length != into.Length) throw new SerializationException($"data plane: payload of {blob.Length} bytes for a tensor of {into.Length}");
        if (blob.Host is not { Length: > 0 and <= 255 } || blob.Port is < 1 or > 65535)
            throw new SerializationException($"data plane: '{blob.Host}:{blob.Port}' is not a member's address");
        fetcher.Fetch(blob.Host, blob.Port, blob.Id, into);
    }

    static IPAddress BindAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return ip;
        var found = Dns.GetHostAddresses(host);
        return found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? found.FirstOrDefault()
            ?? throw new ArgumentException($"cluster.host: '{host}' has no address for the data plane");
    }

    public void Dispose()
    {
        server.Dispose();
        fetcher.Dispose();
        store.Dispose();
    }
}
